import { complaintStatuses } from '../../db/tables/index.ts';
import { InvalidTransitionError } from '../../shared/errors.ts';

export type Status = (typeof complaintStatuses)[number];

/** Not resolved or closed: where work on a complaint still happens. */
const open: readonly Status[] = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened'];

/**
 * The statuses each lifecycle action starts from (the state machine of issue 10):
 * new → acknowledged → in_progress ⇄ awaiting_customer → resolved → closed;
 * resolved | closed → reopened → in_progress. Notes and recovery actions change no status and
 * are allowed at any point (a gift at the follow-up after closing is still service recovery).
 */
export const allowedFrom = {
  acknowledgeComplaint: ['new'],
  triageComplaint: open,
  assignComplaint: open,
  transferComplaint: open,
  addComplaintNote: complaintStatuses,
  requestCustomerInfo: ['in_progress'],
  recordRecoveryAction: complaintStatuses,
  resolveComplaint: ['in_progress', 'awaiting_customer'],
  closeComplaint: ['resolved'],
  reopenComplaint: ['resolved', 'closed'],
  // The customer may add to an open complaint; once resolved, they answer the confirmation instead.
  replyToComplaint: open,
  confirmComplaintResolution: ['resolved'],
} as const satisfies Record<string, readonly Status[]>;

export type LifecycleAction = keyof typeof allowedFrom;

/** Throws the typed error naming the current status and the allowed ones unless `action` may start here. */
export function assertAllowed(action: LifecycleAction, current: Status): void {
  const allowed: readonly Status[] = allowedFrom[action];
  if (!allowed.includes(current)) throw new InvalidTransitionError(action, current, allowed);
}

/** An assignment (or transfer to an agent) of a complaint not yet being worked on starts the work. */
export const startsHandling = (status: Status): boolean => status === 'new' || status === 'acknowledged' || status === 'reopened';
