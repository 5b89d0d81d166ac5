import { and, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import { touchpoints } from '../db/tables/index.ts';
import { parseInput } from '../shared/validate.ts';
import type { Tenant } from '../tenant/tenant.ts';
import { agendaInput, touchpointFilterInput, type TouchpointFilterInput } from './touchpoints.input.ts';
import type { TouchpointStatus } from './transitions.ts';

type Table = typeof touchpoints;

/** The ids a filter names, decoded from global ids by the resolver. */
export interface TouchpointFilterIds {
  customerId?: string | null;
  agentId?: string | null;
}

/**
 * `status = 'scheduled'` written as a constant, not a parameter: the planner then sees the
 * predicate of the partial indexes (touchpoints_org_scheduled_idx, ..._agent_scheduled_idx) in
 * the statement itself and reads from them whatever plan it caches. The value is one of the enum's
 * (zod checked it), never caller text.
 */
const statusIs = (table: Table, status: TouchpointStatus): SQL => sql`${table.status} = ${sql.raw(`'${status}'`)}`;

/** When it happens: when it happened, or, until it has, when it is due. */
export const happensAtSql = (table: Table): SQL => sql`coalesce(${table.occurredAt}, ${table.scheduledFor})`;

export function parseTouchpointFilter(raw: unknown): TouchpointFilterInput {
  return parseInput(touchpointFilterInput, raw ?? {}, ['filter']);
}

/** The touchpoints filter as SQL over `table` (the alias the relational query gives it); the org first, always. */
export function touchpointFilterSql(table: Table, orgId: string, filter: TouchpointFilterInput, ids: TouchpointFilterIds = {}): SQL {
  return and(
    eq(table.orgId, orgId),
    filter.status ? statusIs(table, filter.status) : undefined,
    ids.customerId ? eq(table.customerId, ids.customerId) : undefined,
    ids.agentId ? eq(table.agentId, ids.agentId) : undefined,
    filter.channel ? eq(table.channel, filter.channel) : undefined,
    filter.direction ? eq(table.direction, filter.direction) : undefined,
    filter.stage ? eq(table.stage, filter.stage) : undefined,
    filter.kind ? eq(table.kind, filter.kind) : undefined,
    filter.dueBefore ? lt(table.scheduledFor, filter.dueBefore) : undefined,
    filter.from ? gte(happensAtSql(table), sql`${filter.from}::timestamptz`) : undefined,
    filter.to ? lt(happensAtSql(table), sql`${filter.to}::timestamptz`) : undefined,
  )!;
}

export function countTouchpoints({ db, orgId }: Tenant, filter: TouchpointFilterInput, ids: TouchpointFilterIds): Promise<number> {
  return db.$count(touchpoints, touchpointFilterSql(touchpoints, orgId, filter, ids));
}

export type TouchpointOrderField = 'scheduled_for' | 'occurred_at' | 'recorded_at';
export type Direction = 'asc' | 'desc';

/**
 * The relational query's order (and the extras it orders by) for a touchpoints page; ties are
 * broken by id, so pages never skip or repeat. A column that may be null is ordered through a
 * coalesce to ±infinity (those rows last), as cursors cannot compare nulls; but SCHEDULED rows
 * always have scheduledFor, so with that filter the bare column is used and the page is read
 * in index order (touchpoints_org_scheduled_idx) instead of sorting every due row.
 */
export function touchpointOrder(filter: TouchpointFilterInput, order: { field: TouchpointOrderField; direction?: Direction | null } | null | undefined) {
  const field = order?.field ?? (filter.status === 'scheduled' ? 'scheduled_for' : 'recorded_at');
  const direction = order?.direction ?? (field === 'scheduled_for' ? 'asc' : 'desc');
  const last = direction === 'asc' ? sql`'infinity'::timestamptz` : sql`'-infinity'::timestamptz`;
  if (field === 'recorded_at') return { orderBy: { recordedAt: direction, id: direction } };
  if (field === 'scheduled_for' && filter.status === 'scheduled') return { orderBy: { scheduledFor: direction, id: direction } };
  const column = field === 'scheduled_for' ? 'scheduledFor' : 'occurredAt';
  return {
    extras: { orderKey: (table: Table) => sql`coalesce(${table[column]}, ${last})` },
    orderBy: { orderKey: direction, id: direction },
  };
}

/**
 * An agent's agenda: their SCHEDULED touchpoints due in [from, to), and every overdue one
 * (scheduledFor before the clock's now) whatever `from` says, soonest due first, so the overdue
 * ones lead. Served by touchpoints_org_agent_scheduled_idx.
 */
export function agendaSql(table: Table, tenant: Pick<Tenant, 'orgId' | 'clock'>, agentId: string, raw: unknown): SQL {
  const { from, to } = parseInput(agendaInput, raw ?? {}, []);
  const now = tenant.clock.now().toISOString();
  return and(
    eq(table.orgId, tenant.orgId),
    eq(table.agentId, agentId),
    statusIs(table, 'scheduled'),
    from ? or(lt(table.scheduledFor, now), gte(table.scheduledFor, from)) : undefined,
    to ? lt(table.scheduledFor, to) : undefined,
  )!;
}

export function countAgenda(tenant: Tenant, agentId: string, raw: unknown): Promise<number> {
  return tenant.db.$count(touchpoints, agendaSql(touchpoints, tenant, agentId, raw));
}

/**
 * The latest done, non-automated touchpoint of the customer (optionally in one direction): a
 * birthday message sent by a plan does not reset the silence clock. A subquery over the customer
 * `table` (the alias of its read), served by touchpoints_org_customer_idx.
 */
export const lastContactSql = (customer: { id: unknown; orgId: unknown }, direction?: 'inbound' | 'outbound'): SQL => sql`(
  select max(t.occurred_at) from ${touchpoints} t
  where t.org_id = ${customer.orgId} and t.customer_id = ${customer.id} and t.status = 'done' and not t.automated
    ${direction ? sql`and t.direction = ${sql.raw(`'${direction}'`)}` : sql``})`;
