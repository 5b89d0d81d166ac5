import { sql, type SQL } from 'drizzle-orm';
import { dueTimes, targetSeconds, type ComplaintSettings, type Severity, type Tier } from './policy.ts';

/** The severity of a new complaint until triage says otherwise (the column's default). */
export const FILING_SEVERITY: Severity = 'medium';

/** The placeholders of the filing statement's clocks, worked out in JS from the organization's cached settings. */
export interface FilingClocks {
  firstResponseTarget: number;
  firstResponseDueAt: string;
  firstResponseWarnAt: string;
  resolutionTarget: number;
  resolutionDueAt: string;
  resolutionWarnAt: string;
  /** The earlier of the two due times: complaints.next_due_at. */
  nextDueAt: string;
}

/** First response and resolution start when a complaint is filed. */
export function filingClocks(settings: ComplaintSettings, tier: Tier | null, filedAt: Date): FilingClocks {
  const times = (metric: 'first_response' | 'resolution') => {
    const target = targetSeconds(settings, FILING_SEVERITY, tier, metric);
    const { dueAt, warnAt } = dueTimes(settings.calendar, filedAt, 0, target);
    return { target, dueAt: dueAt.toISOString(), warnAt: warnAt.toISOString() };
  };
  const first = times('first_response');
  const resolution = times('resolution');
  return {
    firstResponseTarget: first.target,
    firstResponseDueAt: first.dueAt,
    firstResponseWarnAt: first.warnAt,
    resolutionTarget: resolution.target,
    resolutionDueAt: resolution.dueAt,
    resolutionWarnAt: resolution.warnAt,
    nextDueAt: Date.parse(first.dueAt) <= Date.parse(resolution.dueAt) ? first.dueAt : resolution.dueAt,
  };
}

/**
 * The SELECT that inserts the two clocks of a complaint a CTE named `inserted` has just
 * written (none on a replay, which inserts no complaint). Positional: the columns of
 * `sla_clocks` in their declared order (a new column must be added here too); the values are
 * placeholders named as FilingClocks' fields, so the statement keeps one plan.
 */
export function filingClocksFrom(): SQL {
  const p = (name: keyof FilingClocks) => sql.placeholder(name);
  return sql`select gen_random_uuid(), i.org_id, i.id, v.metric::sla_metric, 'active'::sla_clock_status, v.target, 0,
      i.created_at, i.created_at, v.due_at, v.warn_at, null, null, null, null, null
    from inserted i cross join (values
      ('first_response', ${p('firstResponseTarget')}::int, ${p('firstResponseDueAt')}::timestamptz, ${p('firstResponseWarnAt')}::timestamptz),
      ('resolution', ${p('resolutionTarget')}::int, ${p('resolutionDueAt')}::timestamptz, ${p('resolutionWarnAt')}::timestamptz)
    ) as v(metric, target, due_at, warn_at)`;
}
