import { sql } from 'drizzle-orm';
import { emit } from '../../events/emit.ts';
import type { Tenant } from '../../tenant/tenant.ts';
import { arrayOf, rowsOf } from './sql-lists.ts';

const DUE_BATCH = 200;
const MAX_DUE_BATCHES = 50;
/**
 * How far back a run still announces an automated touchpoint whose time came: after a longer
 * downtime the message is stale; the company's systems still find it with
 * touchpoints(filter: { status: SCHEDULED, dueBefore }).
 */
export const DUE_LOOKBACK_DAYS = 7;

type DueRow = { id: string; customer_id: string; scheduled_for: string; channel: string; kind: string; plan_occurrence_id: string; plan_id: string };

/**
 * careloop does not send messages: when an automated plan touchpoint's time comes, it records
 * `touchpoint.due` once, for the company's systems to deliver the message and mark it done.
 * Once per touchpoint: the batch is claimed FOR UPDATE SKIP LOCKED, and the "not announced yet"
 * test is made again after the claim (a statement of its own, so it sees what a runner that held
 * the rows before committed).
 */
export async function announceDue(tenant: Tenant): Promise<number> {
  const now = tenant.clock.now();
  const since = new Date(now.getTime() - DUE_LOOKBACK_DAYS * 86_400_000).toISOString();
  const notAnnounced = sql`not exists (select 1 from events e where e.org_id = t.org_id and e.aggregate_type = 'touchpoint'
    and e.aggregate_id = t.id and e.type = 'touchpoint.due')`;
  let total = 0;
  for (let i = 0; i < MAX_DUE_BATCHES; i++) {
    const claimed = await tenant.db.transaction(async (tx) => {
      const ids = rowsOf<{ id: string }>(
        await tx.execute(sql`
          select t.id from touchpoints t
          where t.org_id = ${tenant.orgId} and t.status = 'scheduled' and t.automated and t.plan_occurrence_id is not null
            and t.scheduled_for <= ${now.toISOString()}::timestamptz and t.scheduled_for > ${since}::timestamptz
            and ${notAnnounced}
          order by t.scheduled_for, t.id
          limit ${DUE_BATCH}
          for update of t skip locked`),
      ).map((r) => r.id);
      if (!ids.length) return { found: 0 };
      const rows = rowsOf<DueRow>(
        await tx.execute(sql`
          select t.id, t.customer_id, t.scheduled_for, t.channel, t.kind, t.plan_occurrence_id, o.plan_id
          from touchpoints t join care_plan_occurrences o on o.org_id = t.org_id and o.id = t.plan_occurrence_id
          where t.org_id = ${tenant.orgId} and t.id = any(${arrayOf(ids, 'uuid')}) and t.status = 'scheduled' and ${notAnnounced}`),
      );
      for (const r of rows) {
        await emit(tx, tenant, {
          type: 'touchpoint.due',
          aggregateId: r.id,
          payload: {
            customerId: r.customer_id,
            scheduledFor: new Date(r.scheduled_for).toISOString(),
            channel: r.channel,
            kind: r.kind,
            planId: r.plan_id,
            occurrenceId: r.plan_occurrence_id,
          },
        });
      }
      return { found: ids.length, announced: rows.length };
    });
    total += claimed.announced ?? 0;
    if (claimed.found < DUE_BATCH) break;
  }
  return total;
}
