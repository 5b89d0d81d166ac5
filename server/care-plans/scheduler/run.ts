import { and, asc, eq, sql } from 'drizzle-orm';
import { carePlans } from '../../db/tables/index.ts';
import type { Executor } from '../../db/transaction.ts';
import type { Actor, Platform, Tenant } from '../../tenant/tenant.ts';
import type { CarePlanDefinition, CareSettings, Occurrence } from '../engine/types.ts';
import { audiencePage, type AudienceRow, type PageCursor } from './audience.ts';
import { announceDue } from './due.ts';
import { decide, planWindow } from './decide.ts';
import { occurrencesBetween, planFromRow, readCareSettings } from '../index.ts';
import { applyExits } from './exits.ts';
import { loadFacts } from './facts.ts';
import { arrayOf, rowsOf } from './sql-lists.ts';
import { addCount, emptyCounts, type Decision, type RunCounts, type SchedulerFacts } from './types.ts';
import { recordDecisions } from './write.ts';

/** Customers per page: a page's facts are a handful of set-based queries, and memory holds one page. */
export const CARE_BATCH = 500;
const DAY_MS = 86_400_000;
const greetingKinds = new Set(['greeting_birthday', 'greeting_holiday']);

export interface RunOptions {
  /** One organization's plans (the mutation, `care run --org`); every organization's without it (the job). */
  orgId?: string;
  /** Who the events name; the system's `care-scheduler` by default. */
  actor?: Actor;
  batchSize?: number;
}

/**
 * One run of the care scheduler: for every active plan, exits first (cancelling what no longer
 * applies), then the audience page by page: each page's facts, its occurrences in the window
 * [now − maxLateness, now + lead time] (and older unrecorded ones, to record them too late), the
 * decisions, and one transaction writing them once each (see write.ts). Greeting plans go first,
 * so within one run they take the fatigue cap before other plans.
 */
export async function runCarePlans(platform: Platform, options: RunOptions = {}): Promise<RunCounts> {
  const counts = emptyCounts();
  const rows = await platform.db
    .select()
    .from(carePlans)
    .where(and(eq(carePlans.active, true), options.orgId ? eq(carePlans.orgId, options.orgId) : undefined))
    .orderBy(asc(carePlans.orgId), asc(carePlans.createdAt), asc(carePlans.id));
  const plans = rows.map(planFromRow);
  const byOrg = new Map<string, CarePlanDefinition[]>();
  for (const plan of plans) byOrg.set(plan.orgId, [...(byOrg.get(plan.orgId) ?? []), plan]);
  for (const [orgId, orgPlans] of byOrg) {
    const tenant: Tenant = { db: platform.db, clock: platform.clock, orgId, actor: options.actor ?? { type: 'system', id: 'care-scheduler' } };
    const settings = await readCareSettings(platform.db, orgId);
    const ordered = [...orgPlans].sort((a, b) => Number(greetingKinds.has(b.action.kind)) - Number(greetingKinds.has(a.action.kind)));
    for (const plan of ordered) {
      counts.plans++;
      for (const c of await applyExits(tenant, plan)) addCount(counts.cancelled, c.reason);
      await walkAudience(tenant, plan, settings, options.batchSize ?? CARE_BATCH, async (page) => {
        counts.evaluatedCustomers += page.length;
        for (const d of await schedulePage(tenant, plan, settings, page, 'write')) {
          if (d.outcome === 'schedule') {
            counts.scheduled++;
            if (d.late) counts.late++;
          } else addCount(counts.skipped, d.reason);
        }
        return true;
      });
    }
    if (orgPlans.some((p) => p.action.automated)) counts.due += await announceDue(tenant);
  }
  return counts;
}

/** Calls `onPage` with each page of the plan's audience until it returns false or the audience ends. */
export async function walkAudience(
  tenant: Tenant,
  plan: CarePlanDefinition,
  _settings: CareSettings,
  size: number,
  onPage: (page: AudienceRow[]) => Promise<boolean>,
): Promise<void> {
  let cursor: PageCursor = null;
  for (;;) {
    const page = await audiencePage(tenant.db, plan, cursor, size);
    if (!page.length) return;
    const last = page[page.length - 1]!;
    cursor = { createdAt: last.created_at, id: last.id };
    if (!(await onPage(page))) return;
    if (page.length < size) return;
  }
}

/**
 * One page: facts, occurrences, and (`write`) the decisions recorded, or (`dry-run`) the
 * decisions only, computed the same way from what is recorded now. Only customers with an
 * occurrence not yet recorded reach the transaction, which locks them (in id order, so two
 * runners cannot deadlock) before reading what is recorded again: a second runner waits, then
 * finds the first one's rows, and the fatigue cap counts what the first one planned.
 */
export async function schedulePage(
  tenant: Tenant,
  plan: CarePlanDefinition,
  settings: CareSettings,
  page: AudienceRow[],
  mode: 'write' | 'dry-run',
): Promise<Decision[]> {
  const now = tenant.clock.now();
  const window = planWindow(plan, now);
  const facts = await loadFacts(tenant.db, plan, settings, page, window);
  const occurrences = new Map<string, Occurrence[]>();
  for (const f of facts) {
    const list = occurrencesBetween(plan, f, settings, window.from, window.to);
    if (list.length) occurrences.set(f.id, list);
  }
  if (!occurrences.size) return [];
  let candidates = await unrecorded(tenant.db, plan, occurrences);
  if (!candidates.size) return [];
  const factsOf = new Map(facts.map((f) => [f.id, f]));
  const decideAll = async (tx: Executor) => {
    const planned = await plannedTimes(tx, plan.orgId, [...candidates.keys()], settings, window);
    const decisions: Decision[] = [];
    for (const [customerId, list] of candidates) {
      decisions.push(...decide(plan, settings, factsOf.get(customerId)!, list, planned.get(customerId) ?? [], now));
    }
    return decisions;
  };
  if (mode === 'dry-run') return decideAll(tenant.db);
  return tenant.db.transaction(async (tx) => {
    await tx.execute(sql`
      select id from customers where org_id = ${plan.orgId} and id = any(${arrayOf([...candidates.keys()].sort(), 'uuid')})
      order by id for no key update`);
    candidates = await unrecorded(tx, plan, candidates);
    if (!candidates.size) return [];
    const decisions = await decideAll(tx);
    const { scheduled, skipped } = await recordDecisions(tx, tenant, plan, decisions, factsOf);
    return [...scheduled, ...skipped];
  });
}

/** The occurrences of `byCustomer` that this plan has not recorded yet (any status). */
async function unrecorded(tx: Executor, plan: CarePlanDefinition, byCustomer: Map<string, Occurrence[]>): Promise<Map<string, Occurrence[]>> {
  const keys = new Set<string>();
  for (const list of byCustomer.values()) for (const o of list) keys.add(o.key);
  const rows = rowsOf<{ customer_id: string; occurrence_key: string }>(
    await tx.execute(sql`
      select customer_id, occurrence_key from care_plan_occurrences
      where org_id = ${plan.orgId} and plan_id = ${plan.id}
        and customer_id = any(${arrayOf([...byCustomer.keys()], 'uuid')}) and occurrence_key = any(${arrayOf([...keys], 'text')})`),
  );
  const recorded = new Set(rows.map((r) => `${r.customer_id}\n${r.occurrence_key}`));
  const left = new Map<string, Occurrence[]>();
  for (const [customerId, list] of byCustomer) {
    const rest = list.filter((o) => !recorded.has(`${customerId}\n${o.key}`));
    if (rest.length) left.set(customerId, rest);
  }
  return left;
}

/**
 * Each customer's planned touchpoints (created by any plan, not cancelled) near the window, as
 * epoch milliseconds: what the fatigue cap counts. Touchpoints scheduled by hand are not planned
 * and do not count.
 */
async function plannedTimes(
  tx: Executor,
  orgId: string,
  customerIds: string[],
  settings: CareSettings,
  window: { from: Date; to: Date },
): Promise<Map<string, number[]>> {
  const span = settings.fatigueCap.perDays * DAY_MS;
  const rows = rowsOf<{ customer_id: string; scheduled_for: string }>(
    await tx.execute(sql`
      select customer_id, scheduled_for from touchpoints
      where org_id = ${orgId} and customer_id = any(${arrayOf(customerIds, 'uuid')})
        and plan_occurrence_id is not null and status <> 'cancelled'
        and scheduled_for > ${new Date(window.from.getTime() - span).toISOString()}::timestamptz
        and scheduled_for < ${new Date(window.to.getTime() + span).toISOString()}::timestamptz`),
  );
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const list = out.get(r.customer_id) ?? [];
    list.push(new Date(r.scheduled_for).getTime());
    out.set(r.customer_id, list);
  }
  return out;
}

export type { SchedulerFacts };
