import type { slaClockStatuses } from '../../db/tables/index.ts';

export type SlaClockStatusValue = (typeof slaClockStatuses)[number];

/**
 * A clock's status as of `now`: a running clock past its due time is BREACHED at once, whether
 * or not the periodic watcher has recorded the breach yet (it records the event, exactly once).
 */
export function effectiveStatus(
  clock: { status: SlaClockStatusValue; runningSince: string | null; dueAt: string | null; breachedAt: string | null },
  now: Date,
): SlaClockStatusValue {
  if (clock.breachedAt) return 'breached';
  if (clock.runningSince !== null && clock.dueAt !== null && Date.parse(clock.dueAt) <= now.getTime()) return 'breached';
  return clock.status;
}
