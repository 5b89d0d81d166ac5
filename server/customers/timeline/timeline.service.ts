import { sql, type SQL } from 'drizzle-orm';
import type { Tenant } from '../../tenant/tenant.ts';
import { ValidationError } from '../../shared/errors.ts';
import { limits } from '../../shared/limits.ts';
import { timelineKindRanks, type TimelineKey, type TimelineKind } from './timeline.cursor.ts';

/** One loaded entry: its place in the timeline, its kind and its row (as the kind's query read it). */
export interface TimelineItem {
  key: TimelineKey;
  kind: TimelineKind;
  row: object;
}

export const timelineDefaultSize = 20;

/**
 * One source of the timeline: the rows of one customer, projected to their sort key. `at` is
 * the sort expression; `from` joins and filters down to the customer, so that every source reads
 * from an index leading (org_id, customer_id, time):
 * touchpoints_org_customer_timeline_idx (on the `at` expression), purchases_org_customer_idx, feedback_org_customer_idx, and for complaint events
 * complaints_org_customer_idx then events_org_aggregate_sequence_key per complaint. No index of
 * events by occurred_at per aggregate: a complaint's history is tens of rows, read whole and
 * sorted, and every event written anywhere would pay for one.
 */
interface Source {
  kind: TimelineKind;
  at: SQL;
  tiebreak: SQL;
  id: SQL;
  from: (orgId: string, customerId: string) => SQL;
}

const sources: Source[] = [
  {
    // When it happened; a scheduled one when it is due (so what is coming sits on top); else when it was written.
    kind: 'touchpoint',
    at: sql`coalesce(t.occurred_at, t.scheduled_for, t.recorded_at)`,
    tiebreak: sql`0`,
    id: sql`t.id`,
    from: (orgId, customerId) => sql`from touchpoints t where t.org_id = ${orgId} and t.customer_id = ${customerId}`,
  },
  {
    kind: 'purchase',
    at: sql`p.purchased_at`,
    tiebreak: sql`0`,
    id: sql`p.id`,
    from: (orgId, customerId) => sql`from purchases p where p.org_id = ${orgId} and p.customer_id = ${customerId}`,
  },
  {
    kind: 'feedback',
    at: sql`f.created_at`,
    tiebreak: sql`0`,
    id: sql`f.id`,
    from: (orgId, customerId) => sql`from feedback f where f.org_id = ${orgId} and f.customer_id = ${customerId}`,
  },
  {
    // Every event of the customer's complaints, internal ones included: the timeline is for staff.
    kind: 'complaint_event',
    at: sql`e.occurred_at`,
    tiebreak: sql`e.sequence`,
    id: sql`e.id`,
    from: (orgId, customerId) => sql`from complaints c
      join events e on e.org_id = c.org_id and e.aggregate_type = 'complaint' and e.aggregate_id = c.id
      where c.org_id = ${orgId} and c.customer_id = ${customerId}`,
  },
];

/**
 * "Comes after the cursor" for one source, whose kind is fixed: (at, rank, tiebreak, id) below
 * the cursor's, written so the source's index can seek (a rank above the cursor's needs an
 * earlier instant, one below it allows the same instant).
 */
function afterCursor(source: Source, after: TimelineKey | undefined): SQL {
  if (!after) return sql``;
  const at = sql`${after.at}::timestamptz`;
  const rank = timelineKindRanks[source.kind];
  const cursorRank = timelineKindRanks[after.kind];
  if (rank > cursorRank) return sql` and ${source.at} < ${at}`;
  if (rank < cursorRank) return sql` and ${source.at} <= ${at}`;
  return sql` and (${source.at}, ${source.tiebreak}, ${source.id}) < (${at}, ${after.tiebreak}::int, ${after.id}::uuid)`;
}

/**
 * The page's keys in ONE statement: each source's first `limit` rows after the cursor (each
 * read from its index, newest first, and cut), UNION ALL, sorted and cut again. The instant is
 * printed by the database (UTC, microseconds) so the cursor keeps its full precision.
 */
function pageStatement(orgId: string, customerId: string, after: TimelineKey | undefined, limit: number): SQL {
  const branches = sources.map(
    (source) => sql`(select ${source.at} as happened_at, ${timelineKindRanks[source.kind]}::int as kind_rank,
        ${source.tiebreak}::int as tiebreak, ${source.id} as id
      ${source.from(orgId, customerId)}${afterCursor(source, after)}
      order by happened_at desc, tiebreak desc, id desc limit ${limit})`,
  );
  return sql`select to_char(s.happened_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, s.kind_rank, s.tiebreak, s.id
    from (${sql.join(branches, sql` union all `)}) s
    order by s.happened_at desc, s.kind_rank desc, s.tiebreak desc, s.id desc
    limit ${limit}`;
}

const kindOfRank = new Map(Object.entries(timelineKindRanks).map(([kind, rank]) => [rank as number, kind as TimelineKind]));

/** PGlite hands back { rows }, postgres.js the rows themselves. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Reads first + 1 keys, to know whether a next page exists without counting. */
async function pageKeys(tenant: Tenant, customerId: string, after: TimelineKey | undefined, first: number) {
  const result = await tenant.db.execute(pageStatement(tenant.orgId, customerId, after, first + 1));
  const keys = rowsOf<{ at: string; kind_rank: number; tiebreak: number; id: string }>(result).map(
    (row): TimelineKey => ({ at: row.at, kind: kindOfRank.get(Number(row.kind_rank))!, tiebreak: Number(row.tiebreak), id: row.id }),
  );
  return { keys: keys.slice(0, first), hasNextPage: keys.length > first };
}

/**
 * How the rows of each kind are read: the GraphQL layer's selection (columns and relations the
 * document asks for, so nested fields come in the same statement), to which the service adds
 * which rows. Without one, every column.
 */
export type TimelineQueries = Partial<Record<TimelineKind, Record<string, unknown>>>;

/** The rows of one kind of the page, by id: one statement per kind present. */
async function loadKind(tenant: Tenant, kind: TimelineKind, ids: string[], query: Record<string, unknown> = {}): Promise<Map<string, unknown>> {
  const { db, orgId } = tenant;
  const where = { orgId, id: { in: ids } };
  // The query's types follow the document's selection; the rows are handed on to GraphQL as they come.
  const many = (table: keyof typeof db.query, extra: Record<string, unknown> = {}) =>
    (db.query[table] as unknown as { findMany(config: unknown): Promise<{ id: string }[]> }).findMany({
      ...query,
      where: { ...where, ...extra },
    });
  const rows =
    kind === 'touchpoint'
      ? await many('touchpoints')
      : kind === 'purchase'
      ? await many('purchases')
      : kind === 'feedback'
        ? await many('feedback')
        : kind === 'complaint_event'
          ? await many('events', { aggregateType: 'complaint' })
          : [];
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * One page of a customer's timeline, newest first: the keys in one statement, then the rows of
 * each kind present in one statement each. The customer was read (and scoped to the tenant's
 * organization) by the caller; here every statement is scoped to the organization again.
 */
export async function customerTimeline(
  tenant: Tenant,
  customerId: string,
  { first, after }: { first: number; after?: TimelineKey },
  queries: TimelineQueries = {},
): Promise<{ items: TimelineItem[]; hasNextPage: boolean }> {
  if (!Number.isInteger(first) || first < 1 || first > limits.pageSize) {
    throw ValidationError.single(['first'], `must be between 1 and ${limits.pageSize}`);
  }
  const { keys, hasNextPage } = await pageKeys(tenant, customerId, after, first);
  const kinds = [...new Set(keys.map((key) => key.kind))];
  const loaded = new Map(
    await Promise.all(
      kinds.map(async (kind) => [kind, await loadKind(tenant, kind, keys.filter((k) => k.kind === kind).map((k) => k.id), queries[kind])] as const),
    ),
  );
  // A row gone between the two reads (a concurrent merge moved it) is left out, not an error.
  const items = keys.flatMap((key) => {
    const row = loaded.get(key.kind)?.get(key.id);
    return row ? [{ key, kind: key.kind, row } as TimelineItem] : [];
  });
  return { items, hasNextPage };
}
