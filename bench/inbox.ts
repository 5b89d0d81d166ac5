/**
 * `npm run bench` (after the intake benchmark): the care team's inbox read through the whole
 * careloop server (yoga, Pothos, drizzle, API key and scope check, one SQL statement) on
 * PostgreSQL, against a bare node:http + postgres.js server returning the same JSON from one
 * json_agg query (bench/inbox-bare-server.ts), in the same run. 5,000 complaints of one org,
 * the first 50 open ones by next due time. Prints req/s, p99 and server CPU per request of both
 * and their ratio (goal ≥ 0.35). The read includes `sla { metric status dueAt }` when the
 * schema has Complaint.sla.
 */
import { isObjectType } from 'graphql';
import postgres from 'postgres';
import { systemClock } from '../server/clock/clock.ts';
import { openDatabase } from '../server/db/client.ts';
import { runMigrations } from '../server/db/migrate.ts';
import { createApiKey, createOrganization } from '../server/organizations/organizations.service.ts';
import { schema } from '../server/schema.ts';
import { systemTenant } from '../server/tenant/tenant.ts';
import { freePort, load, poolSize, resultRow, seconds, start, startCareloop, stop, waitFor, withScratchDatabase } from './harness.ts';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const complaintCount = Number(process.env.BENCH_COMPLAINTS ?? 5000);

const complaintType = schema.getType('Complaint');
const withSla = isObjectType(complaintType) && 'sla' in complaintType.getFields();
const INBOX_READ = `{ complaints(first: 50, filter: { open: true }, orderBy: { field: NEXT_DUE_AT }) {
  edges { node { reference status severity customer { name tier } assignee { name } team { name }${withSla ? ' sla { metric status dueAt }' : ''} } } } }`;

const post = async (url: string, headers: Record<string, string>, body: string) =>
  (await fetch(url, { method: 'POST', headers, body })).json() as Promise<unknown>;

await withScratchDatabase('inbox', 2 * seconds + 180, async ({ databaseUrl, children, setStage }) => {
  const handle = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 2 });
  await runMigrations(handle);
  const platform = { db: handle.db, clock: systemClock };
  const org = await createOrganization(platform, { name: 'Bench inbox' });
  const tenant = systemTenant(platform, org.id, 'bench');
  const { key } = await createApiKey(tenant, { name: 'bench', scopes: ['read'] });
  const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const now = new Date().toISOString();
  await db`insert into teams (org_id, name, created_at, updated_at)
    select ${org.id}, 'Team ' || g, ${now}, ${now} from generate_series(1, 4) g`;
  await db`insert into agents (org_id, team_id, name, email, created_at, updated_at)
    select ${org.id}, (select id from teams where org_id = ${org.id} order by name offset g % 4 limit 1), 'Agent ' || g, 'agent' || g || '@bench.example', ${now}, ${now}
    from generate_series(1, 20) g`;
  await db`insert into customers (org_id, name, tier, created_at, updated_at)
    select ${org.id}, 'Customer ' || g, (array['A','B','C'])[1 + g % 3]::customer_tier, ${now}, ${now} from generate_series(1, 500) g`;
  await db`
    with a as (select array_agg(id order by name) ids from agents where org_id = ${org.id}),
         t as (select array_agg(id order by name) ids from teams where org_id = ${org.id}),
         c as (select array_agg(id order by name) ids from customers where org_id = ${org.id})
    insert into complaints (org_id, reference, tracking_token_hash, status, severity, category, description, customer_id, assignee_id, team_id,
      next_due_at, created_at, updated_at)
    select ${org.id}, 'C-' || substr(lpad(g::text, 8, '0'), 1, 4) || '-' || substr(lpad(g::text, 8, '0'), 5, 4), md5(g::text),
      (array['new','acknowledged','in_progress','awaiting_customer','resolved','closed','reopened'])[1 + g % 7]::complaint_status,
      (array['low','medium','high','critical'])[1 + g % 4]::complaint_severity, 'delivery', 'Bench complaint ' || g,
      case when g % 3 <> 0 then c.ids[1 + g % 500] end, case when g % 4 <> 0 then a.ids[1 + g % 20] end, case when g % 2 = 0 then t.ids[1 + g % 4] end,
      case when g % 5 = 0 then null else now() + (g * 37 % 10000) * interval '1 minute' end, now() - g * interval '1 minute', now()
    from generate_series(1, ${complaintCount}) g, a, t, c`;
  if (withSla) {
    await db`insert into sla_clocks (org_id, complaint_id, metric, status, target_business_seconds, started_at, running_since, due_at)
      select org_id, id, 'resolution', 'active', 259200, created_at, created_at, next_due_at from complaints
      where org_id = ${org.id} and next_due_at is not null`;
  }
  await db`analyze`;
  await db.end();

  const barePort = await freePort();
  const bare = start('bench/inbox-bare-server.ts', {
    DATABASE_URL: databaseUrl,
    PORT: String(barePort),
    BENCH_ORG_ID: org.id,
    BENCH_POOL_SIZE: String(poolSize),
    BENCH_WITH_SLA: withSla ? '1' : '0',
  });
  children.push(bare);
  setStage('waiting for the bare server');
  await waitFor(`http://127.0.0.1:${barePort}/`);
  const bareUrl = `http://127.0.0.1:${barePort}/`;
  const bareAnswer = await post(bareUrl, { 'content-type': 'application/json' }, '{}');
  setStage('loading the bare server');
  const bareResult = await load({ url: bareUrl, headers: { 'content-type': 'application/json' }, body: '{}', okWhen: '"reference"', connections, server: bare });
  await stop(bare);

  const { server, port } = await startCareloop(databaseUrl);
  children.push(server);
  setStage('waiting for the careloop server');
  await waitFor(`http://127.0.0.1:${port}/readyz`);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const body = JSON.stringify({ query: INBOX_READ });
  const careloopUrl = `http://127.0.0.1:${port}/graphql`;
  const careloopAnswer = await post(careloopUrl, headers, body);
  setStage('loading the careloop server');
  const careloopResult = await load({ url: careloopUrl, headers, body, okWhen: '"reference"', connections, server });
  await stop(server);
  await handle.close();

  const same = JSON.stringify(bareAnswer) === JSON.stringify(careloopAnswer);
  console.log(
    `\ninbox read (50 open complaints by NEXT_DUE_AT with customer, assignee, team${withSla ? ', sla' : ''}; ${complaintCount} complaints), ` +
      `${connections} connections, ${seconds} s each, PostgreSQL (pools of ${poolSize})`,
  );
  console.log(resultRow('bare node:http + postgres.js', bareResult));
  console.log(resultRow('careloop (yoga + Pothos + drizzle)', careloopResult));
  const cpuRatio =
    bareResult.cpuPerRequest && careloopResult.cpuPerRequest ? ` (server CPU per request: ${(bareResult.cpuPerRequest / careloopResult.cpuPerRequest).toFixed(2)})` : '';
  console.log(`ratio careloop / bare: ${(careloopResult.rps / bareResult.rps).toFixed(2)} (goal ≥ 0.35)${cpuRatio}`);
  console.log(`same JSON from both: ${same ? 'yes' : 'NO'}`);
  if (!same) console.log(`  bare: ${JSON.stringify(bareAnswer).slice(0, 300)}\n  careloop: ${JSON.stringify(careloopAnswer).slice(0, 300)}`);
  if (careloopResult.failed > 0 || bareResult.failed > 0 || !same) process.exitCode = 1;
});
