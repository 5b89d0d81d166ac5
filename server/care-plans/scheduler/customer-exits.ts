import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/transaction.ts';
import type { Tenant } from '../../tenant/tenant.ts';
import { arrayOf } from './sql-lists.ts';
import { cancelOccurrences, pendingOccurrencesOf } from './write.ts';

/** Erasure: what the plans had scheduled for the person is cancelled (reason `erased`), in the erasure's transaction. */
export async function cancelCareForErased(tx: Executor, tenant: Tenant, customerId: string): Promise<void> {
  const pending = await pendingOccurrencesOf(tx, tenant.orgId, [customerId]);
  await cancelOccurrences(tx, tenant, pending.map((p) => ({ ...p, reason: 'erased' as const })));
}

/**
 * Merge, before the source's rows move: the source's scheduled occurrences are cancelled (reason
 * `merged`; the target's own occurrences stand) and keep their history, but no longer hold their
 * key: it becomes `<key>#merged:<sourceId>`, so the survivor's next run schedules its own (this
 * year's birthday greeting of the surviving customer). The source's other occurrences whose
 * (plan, key) the target already has are dropped: the unique key (org, plan, customer, key) would
 * otherwise refuse the move and with it the merge. Their touchpoints stay (moved with the
 * customer) without the link to the dropped row.
 */
export async function prepareCareForMerge(tx: Executor, tenant: Tenant, sourceId: string, targetId: string): Promise<void> {
  const pending = await pendingOccurrencesOf(tx, tenant.orgId, [sourceId]);
  await cancelOccurrences(tx, tenant, pending.map((p) => ({ ...p, reason: 'merged' as const })));
  if (pending.length) {
    await tx.execute(sql`
      update care_plan_occurrences set occurrence_key = occurrence_key || ${`#merged:${sourceId}`}
      where org_id = ${tenant.orgId} and customer_id = ${sourceId}
        and id = any(${arrayOf(pending.map((p) => p.occurrenceId), 'uuid')})`);
  }
  await tx.execute(sql`
    with dropped as (
      delete from care_plan_occurrences s
      where s.org_id = ${tenant.orgId} and s.customer_id = ${sourceId}
        and exists (select 1 from care_plan_occurrences t
          where t.org_id = s.org_id and t.plan_id = s.plan_id and t.customer_id = ${targetId} and t.occurrence_key = s.occurrence_key)
      returning s.id
    )
    update touchpoints set plan_occurrence_id = null
    where org_id = ${tenant.orgId} and plan_occurrence_id in (select id from dropped)`);
}
