import { and, eq, inArray } from 'drizzle-orm';
import { carePlanOccurrences } from '../../db/tables/index.ts';
import type { Tenant } from '../../tenant/tenant.ts';
import { requireCarePlan } from '../care-plans.service.ts';
import { occurrencesBetween, planFromRow, readCareSettings } from '../index.ts';
import { audienceMember } from './audience.ts';
import { loadFacts } from './facts.ts';
import { schedulePage, walkAudience } from './run.ts';
import type { Decision } from './types.ts';

/** A preview reads at most this many customers of the audience: enough to see who and why, bounded on any audience. */
export const PREVIEW_SCAN_LIMIT = 10_000;
const PREVIEW_PAGE = 500;

export interface Preview {
  decisions: Decision[];
  evaluatedCustomers: number;
  /** The whole audience was read (false: the scan limit or `first` stopped it). */
  complete: boolean;
}

/**
 * What a run at `at` (now by default) would do with the plan, without writing anything: the
 * same pages, facts and decision code as the run (schedulePage in dry-run mode), so the preview
 * cannot disagree with the scheduler. Exits of already scheduled occurrences are not shown.
 */
export async function previewCarePlan(tenant: Tenant, planId: string, first: number, at?: Date): Promise<Preview> {
  const plan = planFromRow(await requireCarePlan(tenant.db, tenant.orgId, planId));
  const settings = await readCareSettings(tenant.db, tenant.orgId);
  const view: Tenant = at ? { ...tenant, clock: { now: () => new Date(at) } } : tenant;
  const decisions: Decision[] = [];
  let evaluatedCustomers = 0;
  let complete = true;
  await walkAudience(view, plan, settings, PREVIEW_PAGE, async (page) => {
    evaluatedCustomers += page.length;
    decisions.push(...(await schedulePage(view, plan, settings, page, 'dry-run')));
    if (decisions.length >= first || evaluatedCustomers >= PREVIEW_SCAN_LIMIT) {
      complete = false;
      return false;
    }
    return true;
  });
  return { decisions: decisions.slice(0, first), evaluatedCustomers, complete: complete && decisions.length <= first };
}

/** How far ahead nextOccurrences looks (a yearly trigger has one a year). */
const HORIZON_DAYS = 2 * 366 + 1;

export interface UpcomingOccurrence {
  key: string;
  dueAt: Date;
  localDate: string;
  product: string | null;
  /** What the scheduler recorded for it, when it has. */
  status: 'scheduled' | 'skipped' | 'cancelled' | null;
  reason: string | null;
}

/**
 * The customer's next `count` occurrences of the plan from now (up to two years ahead), with
 * what is already recorded for each. Empty when the customer is not in the plan's audience.
 */
export async function nextOccurrences(tenant: Tenant, planId: string, customerId: string, count: number): Promise<UpcomingOccurrence[]> {
  const plan = planFromRow(await requireCarePlan(tenant.db, tenant.orgId, planId));
  const settings = await readCareSettings(tenant.db, tenant.orgId);
  const member = await audienceMember(tenant.db, plan, customerId);
  if (!member || count <= 0) return [];
  const from = tenant.clock.now();
  const to = new Date(from.getTime() + HORIZON_DAYS * 86_400_000);
  const [facts] = await loadFacts(tenant.db, plan, settings, [member], { from, to });
  const upcoming = occurrencesBetween(plan, facts!, settings, from, to).slice(0, count);
  if (!upcoming.length) return [];
  const recorded = await tenant.db
    .select({ key: carePlanOccurrences.occurrenceKey, status: carePlanOccurrences.status, reason: carePlanOccurrences.reason })
    .from(carePlanOccurrences)
    .where(
      and(
        eq(carePlanOccurrences.orgId, tenant.orgId),
        eq(carePlanOccurrences.planId, plan.id),
        eq(carePlanOccurrences.customerId, member.id),
        inArray(
          carePlanOccurrences.occurrenceKey,
          upcoming.map((o) => o.key),
        ),
      ),
    );
  const byKey = new Map(recorded.map((r) => [r.key, r]));
  return upcoming.map((o) => ({
    key: o.key,
    dueAt: o.dueAt,
    localDate: o.context.localDate,
    product: o.context.product ?? null,
    status: byKey.get(o.key)?.status ?? null,
    reason: byKey.get(o.key)?.reason ?? null,
  }));
}
