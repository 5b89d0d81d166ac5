import type { CustomerFacts, Occurrence } from '../engine/types.ts';

/** Why an occurrence was recorded `skipped` instead of scheduled (care_plan_occurrences.reason). */
export const skipReasons = ['too_late', 'opted_out', 'channel_not_allowed', 'complaint_open', 'recently_contacted', 'fatigue_cap'] as const;
export type SkipReason = (typeof skipReasons)[number];

/** Why a scheduled occurrence (and its touchpoint) was cancelled by an exit. */
export const cancelReasons = ['opted_out', 'channel_not_allowed', 'complaint_open', 'audience_left', 'contact_made', 'erased', 'merged'] as const;
export type CancelReason = (typeof cancelReasons)[number];

/** The engine's facts and what the scheduler's own rules read (contact preferences, exits). */
export interface SchedulerFacts extends CustomerFacts {
  optedOut: boolean;
  /** Channels the customer allows; null means any. */
  contactChannels: string[] | null;
  openComplaint: boolean;
}

/** What one run (or one dry run) decided for one occurrence not yet recorded. */
export type Decision =
  | { customerId: string; occurrence: Occurrence; outcome: 'schedule'; late: boolean }
  | { customerId: string; occurrence: Occurrence; outcome: 'skip'; reason: SkipReason };

/** What a run did, for the mutation, the CLI and the job's log line. */
export interface RunCounts {
  plans: number;
  evaluatedCustomers: number;
  scheduled: number;
  late: number;
  skipped: Partial<Record<SkipReason, number>>;
  cancelled: Partial<Record<CancelReason, number>>;
  /** Automated touchpoints whose time came (touchpoint.due recorded). */
  due: number;
}

export const emptyCounts = (): RunCounts => ({ plans: 0, evaluatedCustomers: 0, scheduled: 0, late: 0, skipped: {}, cancelled: {}, due: 0 });

export function addCount<K extends string>(into: Partial<Record<K, number>>, key: K, n = 1): void {
  into[key] = (into[key] ?? 0) + n;
}
