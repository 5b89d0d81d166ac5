import type { touchpointStatuses } from '../db/tables/index.ts';
import { CareloopError } from '../shared/errors.ts';

export type TouchpointStatus = (typeof touchpointStatuses)[number];

/**
 * The statuses each change starts from: SCHEDULED → DONE | MISSED | CANCELLED, and a MISSED one
 * may be given a new time (back to SCHEDULED). DONE and CANCELLED are final: a cancelled call
 * that happened after all is logged as a new touchpoint.
 */
export const allowedFrom = {
  completeTouchpoint: ['scheduled'],
  missTouchpoint: ['scheduled'],
  cancelTouchpoint: ['scheduled'],
  rescheduleTouchpoint: ['scheduled', 'missed'],
} as const satisfies Record<string, readonly TouchpointStatus[]>;

export type TouchpointAction = keyof typeof allowedFrom;

/** A touchpoint cannot make this move from its status (e.g. completing a cancelled one). */
export class TouchpointTransitionError extends CareloopError {
  constructor(
    readonly action: TouchpointAction,
    readonly currentStatus: TouchpointStatus,
    readonly allowedStatuses: readonly TouchpointStatus[],
  ) {
    super(`${action} is not allowed while the touchpoint is ${currentStatus}; it is allowed from: ${allowedStatuses.join(', ')}`);
  }
}

export function assertAllowed(action: TouchpointAction, current: TouchpointStatus): void {
  const allowed: readonly TouchpointStatus[] = allowedFrom[action];
  if (!allowed.includes(current)) throw new TouchpointTransitionError(action, current, allowed);
}
