import { sql } from 'drizzle-orm';
import type { Tenant } from '../../tenant/tenant.ts';
import type { CarePlanDefinition } from '../engine/types.ts';
import { audienceMatch } from './audience.ts';
import { rowsOf } from './sql-lists.ts';
import type { CancelReason } from './types.ts';
import { cancelOccurrences, type Cancellation } from './write.ts';

const EXIT_BATCH = 500;
const MAX_EXIT_BATCHES = 200;

/**
 * The exits of one plan, before it schedules anything: every occurrence of the plan still
 * waiting on a scheduled touchpoint whose customer has left (erased, opted out, channel no
 * longer allowed, a complaint open, out of the audience, or — SILENCE plans — made contact after
 * the occurrence was recorded) is cancelled with that reason. One statement finds a batch (the
 * reason computed in SQL, read from the partial index of scheduled touchpoints), cancelling
 * takes it out of the next batch's scan.
 */
export async function applyExits(tenant: Tenant, plan: CarePlanDefinition): Promise<Cancellation[]> {
  const { exits, action } = plan;
  const silence = plan.trigger.type === 'silence' && exits.onContact;
  const all: Cancellation[] = [];
  for (let i = 0; i < MAX_EXIT_BATCHES; i++) {
    const batch = await tenant.db.transaction(async (tx) => {
      const rows = rowsOf<{ occurrence_id: string; customer_id: string; touchpoint_id: string; reason: CancelReason }>(
        await tx.execute(sql`
          select * from (
            select o.id as occurrence_id, o.customer_id, o.touchpoint_id,
              case
                when c.erased_at is not null then 'erased'
                when c.care_opted_out_at is not null then 'opted_out'
                when c.contact_channels is not null and not (${action.channel}::text = any(c.contact_channels)) then 'channel_not_allowed'
                when ${exits.onOpenComplaint} and exists (
                  select 1 from complaints k where k.org_id = c.org_id and k.customer_id = c.id and k.status not in ('resolved', 'closed')) then 'complaint_open'
                when ${exits.onAudienceLeft} and not (${audienceMatch(plan)}) then 'audience_left'
                when ${silence} and exists (
                  select 1 from touchpoints x where x.org_id = c.org_id and x.customer_id = c.id and x.status = 'done' and not x.automated
                    and coalesce(x.occurred_at, x.completed_at) > o.created_at) then 'contact_made'
              end as reason
            from touchpoints t
            join care_plan_occurrences o on o.org_id = t.org_id and o.id = t.plan_occurrence_id
            join customers c on c.org_id = o.org_id and c.id = o.customer_id
            where t.org_id = ${plan.orgId} and t.status = 'scheduled' and o.plan_id = ${plan.id} and o.status = 'scheduled'
          ) pending
          where reason is not null
          order by occurrence_id
          limit ${EXIT_BATCH}`),
      );
      return cancelOccurrences(
        tx,
        tenant,
        rows.map((r) => ({ occurrenceId: r.occurrence_id, customerId: r.customer_id, planId: plan.id, touchpointId: r.touchpoint_id, reason: r.reason })),
      );
    });
    all.push(...batch);
    if (batch.length < EXIT_BATCH) break;
  }
  return all;
}
