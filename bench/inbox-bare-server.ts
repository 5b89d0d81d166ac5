/**
 * The baseline of the inbox benchmark: node:http + postgres.js answering the inbox read
 * (bench/inbox.ts) with the same JSON from one json_agg query, with none of GraphQL, auth or
 * the planner of Pothos. It says what the hardware and the database can do for this page.
 * BENCH_WITH_SLA=1 adds each complaint's sla clocks, as the careloop read then asks for them.
 */
import { createServer } from 'node:http';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, { max: Number(process.env.BENCH_POOL_SIZE ?? 10), onnotice: () => {} });
const orgId = process.env.BENCH_ORG_ID!;
const withSla = process.env.BENCH_WITH_SLA === '1';

const sla = withSla
  ? sql`, 'sla', coalesce((select json_agg(json_build_object('metric', upper(s.metric::text), 'status', upper(s.status::text),
      'dueAt', to_char(s.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) order by s.started_at, s.id)
      from sla_clocks s where s.org_id = c.org_id and s.complaint_id = c.id), '[]'::json)`
  : sql``;

const server = createServer((request, response) => {
  request.resume();
  request.on('end', async () => {
    try {
      const [row] = await sql`
        select json_build_object('data', json_build_object('complaints', json_build_object('edges', coalesce(json_agg(
          json_build_object('node', json_build_object(
            'reference', c.reference, 'status', upper(c.status::text), 'severity', upper(c.severity::text),
            'customer', case when cu.id is null then null else json_build_object('name', cu.name, 'tier', cu.tier) end,
            'assignee', case when a.id is null then null else json_build_object('name', a.name) end,
            'team', case when t.id is null then null else json_build_object('name', t.name) end
            ${sla}))
          order by c.due, c.created_at, c.id), '[]'::json)))) as body
        from (
          select *, coalesce(next_due_at, 'infinity'::timestamptz) as due from complaints
          where org_id = ${orgId} and status not in ('resolved', 'closed')
          order by coalesce(next_due_at, 'infinity'::timestamptz), created_at, id
          limit 50
        ) c
        left join customers cu on cu.id = c.customer_id
        left join agents a on a.id = c.assignee_id
        left join teams t on t.id = c.team_id`;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(row!.body));
    } catch (error) {
      response.writeHead(500);
      response.end(String(error));
    }
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => server.close(() => sql.end().then(() => process.exit(0))));
