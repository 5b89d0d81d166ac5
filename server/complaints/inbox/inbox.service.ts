import { and, eq, gte, ilike, inArray, isNotNull, isNull, lt, not, or, sql, type SQL } from 'drizzle-orm';
import { requireAgent } from '../../care-team/care-team.service.ts';
import { requireCustomer, requireNotErased } from '../../customers/customers.rows.ts';
import { complaints, customerIdentities, customers, slaClocks } from '../../db/tables/index.ts';
import { emit } from '../../events/emit.ts';
import { ConflictError, NotFoundError } from '../../shared/errors.ts';
import { parseInput } from '../../shared/validate.ts';
import type { Tenant } from '../../tenant/tenant.ts';
import { normalizeReference } from '../complaint-codes.ts';
import { applySlaTrigger } from '../sla/triggers.ts';
import type { ComplaintRow } from '../complaints.service.ts';
import { complaintFilterInput } from './inbox.input.ts';

/** The ids a filter names, decoded from global ids by the resolver. */
export interface FilterIds {
  assigneeId?: string | null;
  teamId?: string | null;
  siteId?: string | null;
  customerId?: string | null;
}

/**
 * Not RESOLVED or CLOSED. Written as a constant (no parameters) so that the planner sees it is
 * the predicate of the partial inbox index (complaints_org_open_due_idx) and reads from it.
 */
export const openSql = (table: typeof complaints): SQL => sql`${table.status} not in ('resolved', 'closed')`;

/** Nulls last whichever way: a complaint without a running clock sorts after every due one. */
export const nextDueOrderSql = (table: typeof complaints, direction: 'asc' | 'desc'): SQL =>
  direction === 'asc'
    ? sql`coalesce(${table.nextDueAt}, 'infinity'::timestamptz)`
    : sql`coalesce(${table.nextDueAt}, '-infinity'::timestamptz)`;

/** A LIKE pattern matching `text` anywhere, with % and _ (and the escape) taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The inbox filter as SQL over `table` (the alias the relational query gives it). Unknown ids
 * of another organization simply match nothing: the org condition comes first, always.
 */
export function complaintFilterSql(
  table: typeof complaints,
  { orgId, clock }: Pick<Tenant, 'orgId' | 'clock'>,
  raw: unknown,
  ids: FilterIds = {},
): SQL {
  const filter = parseInput(complaintFilterInput, raw ?? {}, ['filter']);
  const search = filter.search || undefined;
  const reference = search ? normalizeReference(search) : null;
  // Breached as Complaint.sla reads it (effectiveStatus): recorded by the watcher, or running past
  // its due time already, so the filter does not lag the watcher's next run.
  const breachedClock = sql`exists (select 1 from ${slaClocks} s where s.org_id = ${table.orgId} and s.complaint_id = ${table.id}
    and (s.breached_at is not null or (s.running_since is not null and s.due_at <= ${clock.now().toISOString()}::timestamptz)))`;
  return and(
    eq(table.orgId, orgId),
    filter.open === true ? openSql(table) : filter.open === false ? not(openSql(table)) : undefined,
    filter.statuses?.length ? inArray(table.status, filter.statuses) : undefined,
    filter.severities?.length ? inArray(table.severity, filter.severities) : undefined,
    filter.categories?.length ? inArray(table.category, filter.categories) : undefined,
    filter.complainantTypes?.length ? inArray(table.complainantType, filter.complainantTypes) : undefined,
    ids.assigneeId ? eq(table.assigneeId, ids.assigneeId) : undefined,
    filter.unassigned === true ? isNull(table.assigneeId) : filter.unassigned === false ? isNotNull(table.assigneeId) : undefined,
    ids.teamId ? eq(table.teamId, ids.teamId) : undefined,
    ids.siteId ? eq(table.siteId, ids.siteId) : undefined,
    ids.customerId ? eq(table.customerId, ids.customerId) : undefined,
    filter.escalated == null ? undefined : eq(table.escalated, filter.escalated),
    filter.breached === true ? breachedClock : filter.breached === false ? not(breachedClock) : undefined,
    filter.dueBefore ? lt(table.nextDueAt, filter.dueBefore) : undefined,
    filter.createdFrom ? gte(table.createdAt, filter.createdFrom) : undefined,
    filter.createdTo ? lt(table.createdAt, filter.createdTo) : undefined,
    search
      ? or(
          reference ? eq(table.reference, reference) : undefined,
          ilike(table.reference, containing(search.replace(/\s/g, ''))),
          ilike(table.description, containing(search)),
        )
      : undefined,
  )!;
}

export function countComplaints(tenant: Tenant, filter: unknown, ids: FilterIds): Promise<number> {
  return tenant.db.$count(complaints, complaintFilterSql(complaints, tenant, filter, ids));
}

const REFERENCE_INPUT_MAX = 64;

/** The stored form of a reference staff typed, or null when it cannot be one (a long text is not normalized at all). */
export function staffReference(typed: string): string | null {
  return typed.length > REFERENCE_INPUT_MAX ? null : normalizeReference(typed);
}

/**
 * The customer whose email or phone identity is the contact the complainant typed (both stored
 * normalized alike), for a complaint without a customer; erased customers never. Email first.
 * An SQL expression over the complaint `table`, so a page of complaints finds theirs in its
 * own statement.
 */
export const suggestedCustomerIdSql = (table: typeof complaints): SQL => sql`(
  select ci.customer_id from ${customerIdentities} ci
  join ${customers} c on c.id = ci.customer_id and c.erased_at is null
  where ${table.customerId} is null and ci.org_id = ${table.orgId}
    and ((ci.channel = 'email' and ci.value = ${table.contact}->>'email')
      or (ci.channel in ('phone', 'sms') and ci.value = ${table.contact}->>'phone'))
  order by (ci.channel = 'email') desc, ci.verified desc, ci.created_at
  limit 1)`;

/**
 * Links a complaint to a customer staff recognised (typically its suggestedCustomer): a typed
 * email proves nothing, so this is never done automatically. Linking the customer it already
 * has changes nothing and records nothing; a complaint linked to someone else is a
 * ConflictError (unlinking is not a thing: a token-verified customer stays).
 */
export async function linkComplaintCustomer(
  tenant: Tenant,
  complaintId: string,
  customerId: string,
  actorAgentId?: string | null,
): Promise<ComplaintRow> {
  const { db, orgId } = tenant;
  return db.transaction(async (tx) => {
    const [complaint] = await tx
      .select()
      .from(complaints)
      .where(and(eq(complaints.orgId, orgId), eq(complaints.id, complaintId)))
      .limit(1)
      .for('update');
    if (!complaint) throw new NotFoundError('Complaint', complaintId);
    if (actorAgentId) await requireAgent(tx, orgId, actorAgentId);
    const customer = await requireCustomer(tx, orgId, customerId, true);
    requireNotErased(customer, ['input', 'customerId']);
    if (complaint.customerId === customerId) return complaint;
    if (complaint.customerId) throw new ConflictError('This complaint is already linked to another customer', 'customerId');
    const [linked] = await tx
      .update(complaints)
      .set({ customerId, updatedAt: tenant.clock.now().toISOString() })
      .where(and(eq(complaints.orgId, orgId), eq(complaints.id, complaintId)))
      .returning();
    await emit(tx, tenant, { type: 'complaint.customer_linked', aggregateId: complaintId, payload: { customerId }, actingAgentId: actorAgentId });
    // The customer's tier may tighten the targets (A × 0.5 by default): re-match, keeping the time used.
    await applySlaTrigger(tx, tenant, complaintId, 'retarget', { actingAgentId: actorAgentId });
    return linked!;
  });
}
