import { retargetOpenClocks } from '../complaints/sla/clocks.service.ts';
import { settingsFor } from '../complaints/sla/settings.service.ts';
import { sql } from 'drizzle-orm';
import type { Tenant } from '../tenant/tenant.ts';
import { emit } from '../events/emit.ts';

export interface TierCounts {
  a: number;
  b: number;
  c: number;
}

/**
 * Computed tiers by total purchase value within the org: A = top 20 %, B = next 30 %, C = the
 * rest. Manual tiers and erased stubs are left alone. Ties at a boundary go by earliest
 * customer, so the result is stable. One statement, so it is atomic.
 */
export async function recomputeTiers(tenant: Tenant): Promise<TierCounts> {
  const { db, orgId, clock } = tenant;
  const now = clock.now().toISOString();
  // A transaction only so that the event commits with the new tiers or not at all.
  return db.transaction(async (tx) => {
    const rows = await tx.execute<{ tier: 'A' | 'B' | 'C'; count: number }>(sql`
      with value_per_customer as (
        select c.id, c.created_at, coalesce(sum(p.value), 0) as total
        from customers c
        left join purchases p on p.org_id = c.org_id and p.customer_id = c.id
        where c.org_id = ${orgId}
          and c.erased_at is null
          and (c.tier_source is null or c.tier_source = 'computed')
        group by c.id, c.created_at
      ),
      ranked as (
        select id,
          row_number() over (order by total desc, created_at, id) as position,
          count(*) over () as population
        from value_per_customer
      ),
      updated as (
        update customers c
        set tier = (case
              when r.position <= ceil(r.population * 0.2) then 'A'
              when r.position <= ceil(r.population * 0.5) then 'B'
              else 'C' end)::customer_tier,
            tier_source = 'computed',
            updated_at = ${now}::timestamptz
        from ranked r
        where c.org_id = ${orgId} and c.id = r.id
          -- Checked again on the row as it is now: a tier set by hand or an erasure committed
          -- while this statement ran is not overwritten.
          and c.erased_at is null
          and (c.tier_source is null or c.tier_source = 'computed')
        returning c.tier
      )
      select tier, count(*)::int as count from updated group by tier
    `);
    const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: typeof rows }).rows;
    const counts: TierCounts = { a: 0, b: 0, c: 0 };
    for (const row of list as { tier: 'A' | 'B' | 'C'; count: number }[]) {
      counts[row.tier.toLowerCase() as keyof TierCounts] = Number(row.count);
    }
    await emit(tx, tenant, { type: 'organization.tiers_recomputed', aggregateId: orgId, payload: { ...counts } });
    // Computed tiers feed the SLA targets: open clocks are re-matched (only changed ones record an event).
    await retargetOpenClocks(tx, tenant, await settingsFor(tx, tenant));
    return counts;
  });
}
