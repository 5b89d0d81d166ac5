import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/transaction.ts';
import type { CarePlanDefinition } from '../engine/types.ts';
import { arrayOf, rowsOf } from './sql-lists.ts';

/**
 * The plan's audience as a condition on customers aliased `c`, so that filtering happens in
 * PostgreSQL (the batch only carries customers who match) and the same condition tells the exit
 * pass who has left. An empty list means any; a customer must match every non-empty list.
 */
export function audienceMatch(plan: CarePlanDefinition): SQL {
  const { tiers, lifecycleStages, tags, specialNeeds, siteIds } = plan.audience;
  const parts: SQL[] = [sql`true`];
  if (tiers.length) parts.push(sql`c.tier = any(${arrayOf(tiers, 'customer_tier')})`);
  if (lifecycleStages.length) parts.push(sql`c.lifecycle_stage = any(${arrayOf(lifecycleStages, 'lifecycle_stage')})`);
  if (tags.length) parts.push(sql`c.tags && ${arrayOf(tags, 'text')}`);
  if (specialNeeds.length) parts.push(sql`c.special_needs && ${arrayOf(specialNeeds, 'text')}`);
  if (siteIds.length) {
    const sites = arrayOf(siteIds, 'uuid');
    parts.push(sql`(exists (select 1 from feedback f where f.org_id = c.org_id and f.customer_id = c.id and f.site_id = any(${sites}))
      or exists (select 1 from complaints k where k.org_id = c.org_id and k.customer_id = c.id and k.site_id = any(${sites})))`);
  }
  return sql.join(parts, sql` and `);
}

/** A customer row as the scheduler reads it (the columns the facts and the rules need). */
export interface AudienceRow {
  id: string;
  name: string | null;
  locale: string | null;
  time_zone: string | null;
  birthday: string | null;
  created_at: string;
  care_opted_out_at: string | null;
  contact_channels: string[] | null;
}

/** Where the previous page ended: the last customer's (created_at, id). */
export type PageCursor = { createdAt: string; id: string } | null;

/**
 * One page of the audience after `after`, by (created_at, id): keyset pagination on
 * customers_org_created_idx, the org-leading index, so each page is an index range scan whatever
 * the page number and memory holds one page. Erased customers are never in an audience.
 */
export async function audiencePage(tx: Executor, plan: CarePlanDefinition, after: PageCursor, size: number): Promise<AudienceRow[]> {
  const rows = await tx.execute(sql`
    select c.id, c.name, c.locale, c.time_zone, c.birthday::text as birthday, c.created_at::text as created_at,
      c.care_opted_out_at::text as care_opted_out_at, c.contact_channels
    from customers c
    where c.org_id = ${plan.orgId} and c.erased_at is null
      ${after ? sql`and (c.created_at, c.id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
      and ${audienceMatch(plan)}
    order by c.created_at, c.id
    limit ${size}
  `);
  return rowsOf<AudienceRow>(rows);
}

/** One customer as the audience reads them, or null when they are not in it (or erased, or unknown). */
export async function audienceMember(tx: Executor, plan: CarePlanDefinition, customerId: string): Promise<AudienceRow | null> {
  const rows = await tx.execute(sql`
    select c.id, c.name, c.locale, c.time_zone, c.birthday::text as birthday, c.created_at::text as created_at,
      c.care_opted_out_at::text as care_opted_out_at, c.contact_channels
    from customers c
    where c.org_id = ${plan.orgId} and c.id = ${customerId}::uuid and c.erased_at is null and ${audienceMatch(plan)}`);
  return rowsOf<AudienceRow>(rows)[0] ?? null;
}
