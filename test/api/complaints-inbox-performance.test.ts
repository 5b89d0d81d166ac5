import { sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { dataOf, type TestApi } from '../helpers/api.ts';
import { testEngine } from '../helpers/database.ts';
import { test as it } from '../helpers/fixtures.ts';
import { careTeamOf, ok } from './care-team-fixtures.ts';
import { customersOf } from './customers-fixtures.ts';

/** The inbox read of issue 10, word for word (with this schema's filter and order shapes). */
export const INBOX_READ = `{ complaints(first: 50, filter: { open: true }, orderBy: { field: NEXT_DUE_AT }) {
  edges { node { reference status severity customer { name tier } assignee { name } team { name } sla { metric status dueAt } } } } }`;

/** Statements (with their parameters) drizzle sends for one operation, minus the API-key lookup. */
async function statementsFor(api: TestApi, query: string): Promise<{ sql: string; params: unknown[] }[]> {
  const seen: { sql: string; params: unknown[] }[] = [];
  const counter = api.statements as unknown as { logQuery(query: string, params: unknown[]): void };
  const original = counter.logQuery;
  counter.logQuery = (statement, params) => {
    seen.push({ sql: statement, params });
    original.call(api.statements, statement, params);
  };
  try {
    await api.asA.gql('{ __typename }');
    seen.length = 0;
    await api.asA.gql('{ __typename }');
    const baseline = seen.length;
    seen.length = 0;
    dataOf(await api.asA.gql(query));
    return seen.slice(baseline);
  } finally {
    counter.logQuery = original;
  }
}

/** The first n complaints of org A, filed through SQL: fast, and as the inbox reads them. */
async function insertComplaints(api: TestApi, count: number, extra: { customerId?: string; assigneeId?: string; teamId?: string } = {}) {
  await api.db.db.execute(sql`
    insert into complaints (org_id, reference, tracking_token_hash, status, category, description, customer_id, assignee_id, team_id,
      next_due_at, created_at, updated_at)
    select ${api.orgA.id}::uuid, 'C-' || substr(lpad(g::text, 8, '0'), 1, 4) || '-' || substr(lpad(g::text, 8, '0'), 5, 4), md5(g::text),
      (array['new','acknowledged','in_progress','awaiting_customer','resolved','closed','reopened'])[1 + g % 7]::complaint_status,
      'delivery', 'Generated complaint ' || g,
      case when g % 3 = 0 then ${extra.customerId ?? null}::uuid end,
      case when g % 2 = 0 then ${extra.assigneeId ?? null}::uuid end,
      case when g % 2 = 0 then ${extra.teamId ?? null}::uuid end,
      case when g % 5 = 0 then null else timestamptz '2026-11-01T00:00:00Z' + (g * 37 % 100000) * interval '1 minute' end,
      timestamptz '2026-10-01T00:00:00Z' + g * interval '1 second', timestamptz '2026-10-01T00:00:00Z' + g * interval '1 second'
    from generate_series(1, ${count}) g`);
  // Two clocks per complaint with a due time, as filing starts them (first response, resolution).
  await api.db.db.execute(sql`
    insert into sla_clocks (org_id, complaint_id, metric, status, target_business_seconds, started_at, running_since, due_at)
    select c.org_id, c.id, m.metric::sla_metric, 'active', 28800, c.created_at, c.created_at, c.next_due_at
    from complaints c, (values ('first_response'), ('resolution')) m(metric)
    where c.org_id = ${api.orgA.id} and c.next_due_at is not null and c.description like 'Generated complaint %'`);
}

async function rowIds(api: TestApi) {
  const team = ok(await careTeamOf(api.asA).createTeam({ name: 'Perf team' }));
  const agent = ok(await careTeamOf(api.asA).createAgent({ name: 'Perf agent', email: 'perf@shop.example', teamId: team.id }));
  const customer = ok(await customersOf(api.asA).create({ name: 'Perf customer', tier: 'A' }));
  const { decodeGlobalID } = await import('@pothos/plugin-relay');
  return { teamId: decodeGlobalID(team.id).id, assigneeId: decodeGlobalID(agent.id).id, customerId: decodeGlobalID(customer.id).id };
}

it('reads the inbox page (50 open complaints with customer, assignee and team) in one SQL statement', async ({ api }) => {
  await insertComplaints(api, 200, await rowIds(api));
  const statements = await statementsFor(api, INBOX_READ);
  expect(statements.map((s) => s.sql.slice(0, 80))).toHaveLength(1);
  expect(statements[0]!.sql).toMatch(/"agents"/);
  expect(statements[0]!.sql).toMatch(/"teams"/);
  expect(statements[0]!.sql).toMatch(/"customers"/);
  expect(statements[0]!.sql).toMatch(/"sla_clocks"/);
  const data = dataOf(await api.asA.gql(INBOX_READ));
  expect(data.complaints.edges).toHaveLength(50);
  const nodes = data.complaints.edges.map((e: { node: Record<string, any> }) => e.node);
  expect(nodes.some((n: Record<string, any>) => n.assignee?.name === 'Perf agent' && n.team?.name === 'Perf team')).toBe(true);
  expect(nodes.some((n: Record<string, any>) => n.customer?.tier === 'A')).toBe(true);
  expect(nodes.every((n: Record<string, any>) => !['RESOLVED', 'CLOSED'].includes(n.status))).toBe(true);
  expect(nodes[0].sla.map((clock: Record<string, any>) => clock.metric).sort()).toEqual(['FIRST_RESPONSE', 'RESOLUTION']);
});

/** A plan node of EXPLAIN (FORMAT JSON), with its children. */
interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}

const walk = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(walk)];

/** A statement with its parameters written in as literals, for EXPLAIN. */
function inlined(statement: { sql: string; params: unknown[] }): string {
  return statement.sql.replace(/\$(\d+)/g, (_m, n: string) => {
    const value = statement.params[Number(n) - 1];
    if (value === null || value === undefined) return 'null';
    return `'${String(typeof value === 'object' ? JSON.stringify(value) : value).replaceAll("'", "''")}'`;
  });
}

describe.skipIf(testEngine === 'pglite')('at 100,000 complaints (PostgreSQL)', () => {
  it('the inbox page runs from the open-due index: no Sort over the complaints, no sequential scan', { timeout: 120_000 }, async ({ newOrg, api }) => {
    // Its own organization, so the 100,000 rows are the only ones the plan sees for it.
    const org = { ...api, orgA: { ...api.orgA, id: newOrg.id }, asA: newOrg.as } as TestApi;
    await insertComplaints(org, 100_000, await rowIds(org));
    await api.db.db.execute(sql`analyze complaints`);
    const [statement] = await statementsFor(org, INBOX_READ);
    const result = (await api.db.db.execute(sql.raw(`explain (format json) ${inlined(statement!)}`))) as unknown as
      | { 'QUERY PLAN': [{ Plan: PlanNode }] }[]
      | { rows: { 'QUERY PLAN': [{ Plan: PlanNode }] }[] };
    const rows = Array.isArray(result) ? result : result.rows;
    const nodes = walk(rows[0]!['QUERY PLAN'][0].Plan);
    const summary = nodes.map((n) => `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}`);
    expect(summary, summary.join('\n')).toContain('Index Scan complaints_org_open_due_idx on complaints');
    // No Sort over the complaints (a Sort of one complaint's two or three clocks is fine), no sequential scan anywhere.
    const sortsOfComplaints = nodes.filter((n) => n['Node Type'].includes('Sort') && walk(n).some((m) => m['Relation Name'] === 'complaints'));
    expect(sortsOfComplaints, summary.join('\n')).toEqual([]);
    expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan'), summary.join('\n')).toEqual([]);
    expect(summary.some((line) => line.includes('Index Scan sla_clocks_org_complaint_idx')), summary.join('\n')).toBe(true);
    // And it answers the 50 soonest due open ones.
    const data = dataOf(await newOrg.as.gql(INBOX_READ));
    expect(data.complaints.edges).toHaveLength(50);
  });
});
