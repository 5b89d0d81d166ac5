import type { CarePlanDefinition, CareSettings, Occurrence } from '../engine/types.ts';
import type { Decision, SchedulerFacts } from './types.ts';

const DAY_MS = 86_400_000;
/**
 * How far back a run looks for occurrences it never recorded (downtime, a customer who just
 * joined the audience) to record them `too_late`: what lies further back is not recorded at all.
 */
export const CATCH_UP_LOOKBACK_DAYS = 30;

/** The instants one run considers for a plan. */
export interface PlanWindow {
  /** Occurrences from here on are looked at (none before the plan existed). */
  from: Date;
  /** Due before this: missed by more than maxLateness, recorded skipped `too_late`. */
  lateBefore: Date;
  /** Up to now + the action's lead time: created this far ahead so they show in agendas. */
  to: Date;
}

export function planWindow(plan: CarePlanDefinition, now: Date): PlanWindow {
  const lateBefore = new Date(now.getTime() - plan.maxLatenessSeconds * 1000);
  const lookback = lateBefore.getTime() - CATCH_UP_LOOKBACK_DAYS * DAY_MS;
  return {
    from: new Date(Math.max(Date.parse(plan.createdAt), lookback)),
    lateBefore,
    to: new Date(now.getTime() + plan.action.leadTimeSeconds * 1000),
  };
}

/**
 * The one decision code of the scheduler, for runs and for previews (a dry run calls it with the
 * same inputs and writes nothing). For each occurrence not yet recorded, in due order: too late,
 * an exit or quiet rule that holds it back, the fatigue cap, or scheduled. `planned` holds the
 * customer's planned touchpoint times (every plan, not cancelled) and grows with each occurrence
 * scheduled here, so a later occurrence of the same run sees the earlier ones.
 */
export function decide(
  plan: CarePlanDefinition,
  settings: CareSettings,
  facts: SchedulerFacts,
  occurrences: Occurrence[],
  planned: number[],
  now: Date,
): Decision[] {
  const window = planWindow(plan, now);
  const customerId = facts.id;
  const minGapMs = plan.quietRules.minDaysSinceContact * DAY_MS;
  const lastContact = facts.lastContactAt ? Date.parse(facts.lastContactAt) : null;
  return occurrences.map((occurrence): Decision => {
    const due = occurrence.dueAt.getTime();
    const skip = (reason: Extract<Decision, { outcome: 'skip' }>['reason']): Decision => ({ customerId, occurrence, outcome: 'skip', reason });
    if (due < window.lateBefore.getTime()) return skip('too_late');
    if (facts.optedOut) return skip('opted_out');
    if (facts.contactChannels && !facts.contactChannels.includes(plan.action.channel)) return skip('channel_not_allowed');
    if (plan.exits.onOpenComplaint && facts.openComplaint) return skip('complaint_open');
    if (minGapMs > 0 && lastContact !== null && lastContact > due - minGapMs) return skip('recently_contacted');
    if (overCap(planned, due, settings.fatigueCap)) return skip('fatigue_cap');
    planned.push(due);
    return { customerId, occurrence, outcome: 'schedule', late: due < now.getTime() };
  });
}

/**
 * Would one more planned touchpoint at `due` put more than `maxTouchpoints` in some span of
 * `perDays` days that contains it? Sorted, any `max + 1` consecutive times closer than the span
 * are too many; only runs that include `due` count (an excess already there is not this one's).
 */
export function overCap(planned: number[], due: number, cap: CareSettings['fatigueCap']): boolean {
  const span = cap.perDays * DAY_MS;
  if (cap.maxTouchpoints <= 0) return true;
  const times = planned.filter((t) => Math.abs(t - due) < span).concat(due).sort((a, b) => a - b);
  for (let i = 0; i + cap.maxTouchpoints < times.length; i++) {
    const first = times[i]!;
    const last = times[i + cap.maxTouchpoints]!;
    if (last - first < span && first <= due && due <= last) return true;
  }
  return false;
}
