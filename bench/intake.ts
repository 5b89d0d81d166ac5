/**
 * `npm run bench`: submitResolutionCheck throughput through the whole careloop server (yoga,
 * Pothos, drizzle, site key + origin check, persisted operation, validation, idempotency) on
 * PostgreSQL, against a bare node:http + postgres.js insert of the same row, in the same run.
 * Prints req/s and p99 of both and their ratio (goal ≥ 0.5).
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { openDatabase } from '../server/db/client.ts';
import { runMigrations } from '../server/db/migrate.ts';
import { createOrganization } from '../server/organizations/organizations.service.ts';
import { createSite } from '../server/sites/sites.service.ts';
import { systemTenant } from '../server/tenant/tenant.ts';
import { systemClock } from '../server/clock/clock.ts';
import { freePort, load, poolSize, resultRow, root, seconds, start, startCareloop, stop, waitFor, withScratchDatabase } from './harness.ts';

const connections = 50;
const origin = 'https://bench.example';

function persistedHash(operationName: string): string {
  const manifest = JSON.parse(readFileSync(`${root}widgets/persisted-operations.json`, 'utf8')) as Record<string, string>;
  const entry = Object.entries(manifest).find(([, doc]) => doc.includes(`mutation ${operationName}`));
  if (!entry) throw new Error(`no persisted operation ${operationName} in widgets/persisted-operations.json`);
  return entry[0];
}

await withScratchDatabase('intake', 2 * seconds + 120, async ({ databaseUrl, children, setStage }) => {
  const handle = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 2 });
  await runMigrations(handle);
  const platform = { db: handle.db, clock: systemClock };
  const org = await createOrganization(platform, { name: 'Bench' });
  const site = await createSite(systemTenant(platform, org.id, 'bench'), { name: 'Bench', allowedOrigins: [origin] });

  const variables = (key: string) => ({
    input: { subject: 'article:42', solved: true, idempotencyKey: key, locale: 'en', context: { pageUrl: `${origin}/help/42` } },
  });

  const barePort = await freePort();
  const bare = start('bench/bare-server.ts', {
    DATABASE_URL: databaseUrl,
    PORT: String(barePort),
    BENCH_ORG_ID: org.id,
    BENCH_SITE_ID: site.id,
    BENCH_POOL_SIZE: String(poolSize),
  });
  children.push(bare);
  setStage('waiting for the bare server');
  await waitFor(`http://127.0.0.1:${barePort}/`);
  setStage('loading the bare server');
  const bareResult = await load({
    url: `http://127.0.0.1:${barePort}/`,
    headers: { 'content-type': 'application/json' },
    body: (key) => JSON.stringify({ variables: variables(key) }),
    okWhen: '"receivedAt"',
    connections,
    server: bare,
  });
  setStage('stopping the bare server');
  await stop(bare);

  const { server, port } = await startCareloop(databaseUrl, (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean));
  children.push(server);
  setStage('waiting for the careloop server');
  await waitFor(`http://127.0.0.1:${port}/readyz`);
  const hash = persistedHash('SubmitResolutionCheck');
  setStage('loading the careloop server');
  const careloopResult = await load({
    url: `http://127.0.0.1:${port}/graphql`,
    headers: { 'content-type': 'application/json', 'x-careloop-site-key': site.publishableKey, origin },
    body: (key) => JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } }, variables: variables(key) }),
    okWhen: '"receivedAt"',
    connections,
    server,
  });
  setStage('stopping the careloop server');
  await stop(server);

  setStage('counting the stored rows');
  const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const [{ count }] = await db`select count(*)::int as count from feedback`.finally(() => db.end());
  await handle.close();

  console.log(`submitResolutionCheck, ${connections} connections, ${seconds} s each, PostgreSQL (pools of ${poolSize})`);
  console.log(resultRow('bare node:http + postgres.js', bareResult));
  console.log(resultRow('careloop (yoga + Pothos + drizzle)', careloopResult));
  console.log(`ratio careloop / bare: ${(careloopResult.rps / bareResult.rps).toFixed(2)} (goal ≥ 0.5)`);
  // Requests still in flight when a run ends are stored but not counted: up to one per connection.
  const expected = bareResult.ok + careloopResult.ok;
  console.log(`rows stored: ${count} (answered ${expected}, plus up to ${2 * connections} in flight at the ends)`);
  if (careloopResult.failed > 0 || bareResult.failed > 0 || count < expected || count > expected + 2 * connections) process.exitCode = 1;
});
