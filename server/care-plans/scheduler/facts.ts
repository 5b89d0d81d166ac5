import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/transaction.ts';
import type { CarePlanDefinition, CareSettings } from '../engine/types.ts';
import type { AudienceRow } from './audience.ts';
import { arrayOf, rowsOf } from './sql-lists.ts';
import type { SchedulerFacts } from './types.ts';

const DAY_MS = 86_400_000;
/** Slack around a window for what moves a date: the local wall time, zones, and quiet weekdays (up to 6 days later). */
const SLACK_MS = 8 * DAY_MS;

/**
 * The facts of one page of customers, in one query per kind of fact (not one per customer), and
 * only the kinds this plan's trigger, quiet rules and exits read: a birthday plan loads no
 * purchases. Purchases and closed complaints are limited to those whose occurrence can fall in
 * the window [from, to]. A plan's product is its exact name in any letter case (as the engine
 * compares it): lower() on both sides needs no index of its own, the rows are already narrowed to
 * one page of customers and the window by purchases_org_customer_idx.
 */
export async function loadFacts(
  tx: Executor,
  plan: CarePlanDefinition,
  settings: CareSettings,
  page: AudienceRow[],
  window: { from: Date; to: Date },
): Promise<SchedulerFacts[]> {
  const ids = arrayOf(
    page.map((c) => c.id),
    'uuid',
  );
  const org = plan.orgId;
  const trigger = plan.trigger;
  const purchases = new Map<string, SchedulerFacts['purchases']>();
  const closed = new Map<string, SchedulerFacts['closedComplaints']>();
  const lastContact = new Map<string, string>();
  const lastCompleted = new Map<string, string>();
  const open = new Set<string>();

  if (trigger.type === 'after_purchase') {
    const from = new Date(window.from.getTime() - trigger.days * DAY_MS - SLACK_MS).toISOString();
    const to = new Date(window.to.getTime() - trigger.days * DAY_MS + SLACK_MS).toISOString();
    const rows = rowsOf<{ id: string; customer_id: string; product: string; purchased_at: string }>(
      await tx.execute(sql`
        select id, customer_id, product, purchased_at from purchases
        where org_id = ${org} and customer_id = any(${ids}) and purchased_at between ${from}::timestamptz and ${to}::timestamptz
          ${trigger.product ? sql`and lower(product) = lower(${trigger.product})` : sql``}
        order by purchased_at, id`),
    );
    for (const r of rows) push(purchases, r.customer_id, { id: r.id, product: r.product, purchasedAt: iso(r.purchased_at) });
  }
  if (trigger.type === 'after_complaint_closed') {
    // Without `days` the follow-up falls at followUpDueAt; with them, N days after closing.
    const days = trigger.days ?? 0;
    const from = new Date(window.from.getTime() - days * DAY_MS - SLACK_MS).toISOString();
    const to = new Date(window.to.getTime() + SLACK_MS).toISOString();
    const rows = rowsOf<{ id: string; customer_id: string; closed_at: string; follow_up_due_at: string | null }>(
      await tx.execute(sql`
        select id, customer_id, closed_at, follow_up_due_at from complaints
        where org_id = ${org} and customer_id = any(${ids}) and status = 'closed'
          and (closed_at >= ${from}::timestamptz or follow_up_due_at >= ${from}::timestamptz) and closed_at <= ${to}::timestamptz
        order by closed_at, id`),
    );
    for (const r of rows) {
      push(closed, r.customer_id, { id: r.id, closedAt: iso(r.closed_at), followUpDueAt: r.follow_up_due_at ? iso(r.follow_up_due_at) : null });
    }
  }
  if (trigger.type === 'silence' || plan.quietRules.minDaysSinceContact > 0) {
    // Automated touchpoints do not count: a birthday message does not reset the silence clock.
    const rows = rowsOf<{ customer_id: string; at: string }>(
      await tx.execute(sql`
        select customer_id, max(coalesce(occurred_at, completed_at)) as at from touchpoints
        where org_id = ${org} and customer_id = any(${ids}) and status = 'done' and not automated
        group by customer_id`),
    );
    for (const r of rows) if (r.at) lastContact.set(r.customer_id, iso(r.at));
  }
  if (trigger.type === 'every' && trigger.anchor === 'last_completed') {
    const rows = rowsOf<{ customer_id: string; at: string }>(
      await tx.execute(sql`
        select t.customer_id, max(coalesce(t.completed_at, t.occurred_at)) as at
        from touchpoints t join care_plan_occurrences o on o.id = t.plan_occurrence_id and o.org_id = t.org_id
        where t.org_id = ${org} and t.customer_id = any(${ids}) and o.plan_id = ${plan.id} and t.status = 'done'
        group by t.customer_id`),
    );
    for (const r of rows) if (r.at) lastCompleted.set(r.customer_id, iso(r.at));
  }
  if (plan.exits.onOpenComplaint) {
    const rows = rowsOf<{ customer_id: string }>(
      await tx.execute(sql`
        select distinct customer_id from complaints
        where org_id = ${org} and customer_id = any(${ids}) and status not in ('resolved', 'closed')`),
    );
    for (const r of rows) open.add(r.customer_id);
  }

  return page.map((c) => ({
    id: c.id,
    name: c.name,
    locale: c.locale,
    timeZone: c.time_zone ?? settings.timeZone,
    birthday: c.birthday,
    createdAt: iso(c.created_at),
    purchases: purchases.get(c.id) ?? [],
    closedComplaints: closed.get(c.id) ?? [],
    lastContactAt: lastContact.get(c.id) ?? null,
    lastCompletedAt: lastCompleted.get(c.id) ?? null,
    optedOut: c.care_opted_out_at !== null,
    contactChannels: c.contact_channels,
    openComplaint: open.has(c.id),
  }));
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** PostgreSQL's timestamptz text (either driver) as an ISO instant. */
export function iso(value: string | Date): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
