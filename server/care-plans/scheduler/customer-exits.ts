import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/transaction.ts';
import type { Tenant } from '../../tenant/tenant.ts';
import { cancelOccurrences, pendingOccurrencesOf } from './write.ts';

/** Erasure: what the plans had scheduled for the person is cancelled (reason `erased`), in the erasure's transaction. */
export async function cancelCareForErased(tx: Executor, tenant: Tenant, customerId: string): Promise<void> {
  const pending = await pendingOccurrencesOf(tx, tenant.orgId, [customerId]);
  await cancelOccurrences(tx, tenant, pending.map((p) => ({ ...p, reason: 'erased' as const })));
}

/**
 * Merge, before the source's rows move: the source's scheduled occurrences are cancelled (reason
 * `merged`; the target's own occurrences stand), and the source's occurrences whose (plan, key)
 * the target already has are dropped: the unique key (org, plan, customer, key) would otherwise
 * refuse the move and with it the merge. Their touchpoints stay (cancelled, moved with the
 * customer) without the link to the dropped row.
 */
export async function prepareCareForMerge(tx: Executor, tenant: Tenant, sourceId: string, targetId: string): Promise<void> {
  const pending = await pendingOccurrencesOf(tx, tenant.orgId, [sourceId]);
  await cancelOccurrences(tx, tenant, pending.map((p) => ({ ...p, reason: 'merged' as const })));
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
