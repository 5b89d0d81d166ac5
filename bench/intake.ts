/**
 * `npm run bench`: submitResolutionCheck throughput through the whole careloop server (yoga,
 * Pothos, drizzle, site key + origin check, persisted operation, validation, idempotency) on
 * PostgreSQL, against a bare node:http + postgres.js insert of the same row, in the same run.
 * Prints req/s and p99 of both and their ratio (goal ≥ 0.5).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { openDatabase } from '../server/db/client.ts';
import { runMigrations } from '../server/db/migrate.ts';
import { createOrganization } from '../server/organizations/organizations.service.ts';
import { createSite } from '../server/sites/sites.service.ts';
import { systemTenant } from '../server/tenant/tenant.ts';
import { systemClock } from '../server/clock/clock.ts';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = 50;
/** Both servers' PostgreSQL pool (careloop's DATABASE_POOL_SIZE); 10 is careloop's default. */
const poolSize = Number(process.env.BENCH_POOL_SIZE ?? 10);
const origin = 'https://bench.example';
const root = new URL('..', import.meta.url).pathname;

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/**
 * Runs a TypeScript entry under tsx, or (a path ending in .js, e.g. a tsc build given as
 * BENCH_SERVER_JS) under plain node; `flags` go to node (BENCH_NODE_FLAGS, careloop only).
 */
function start(script: string, env: Record<string, string>, flags: string[] = []): ChildProcess {
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const loader = script.endsWith('.js') ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...profile, ...flags, ...loader, script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

/** Up once it answers at all: the bare server answers a probe without variables with 500. */
async function waitFor(url: string) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

function stop(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function persistedHash(operationName: string): string {
  const manifest = JSON.parse(readFileSync(`${root}widgets/persisted-operations.json`, 'utf8')) as Record<string, string>;
  const entry = Object.entries(manifest).find(([, doc]) => doc.includes(`mutation ${operationName}`));
  if (!entry) throw new Error(`no persisted operation ${operationName} in widgets/persisted-operations.json`);
  return entry[0];
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined elsewhere than Linux. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime (fields 14 and 15 of stat, 12 and 13 after the command name), in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function load(url: string, headers: Record<string, string>, body: (key: string) => string, server: ChildProcess) {
  // A GraphQL error still answers 200: a response counts as ok only when it carries a receipt.
  let graphqlErrors = 0;
  let firstError: string | undefined;
  const cpuBefore = cpuSeconds(server.pid);
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (request) => ({ ...request, body: body(randomUUID()) }),
        onResponse: (status, responseBody) => {
          if (status === 200 && !responseBody.includes('"receivedAt"')) {
            graphqlErrors++;
            firstError ??= responseBody;
          }
        },
      },
    ],
  });
  const cpuAfter = cpuSeconds(server.pid);
  const ok = result['2xx'] - graphqlErrors;
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    ok,
    failed: result.non2xx + result.errors + result.timeouts + graphqlErrors,
    firstError,
    /** Server CPU time per answered request, in microseconds: steadier than req/s on a shared machine. */
    cpuPerRequest: cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total,
  };
}

const name = `careloop_bench_${randomBytes(4).toString('hex')}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const databaseUrl = url.toString();
const children: ChildProcess[] = [];
// A run that hangs (it happened once, stage unknown) says where, cleans up and fails.
let stage = 'setting up the database';
const watchdog = setTimeout(
  () => {
    console.error(`bench: no progress after ${2 * seconds + 120} s while ${stage}; giving up`);
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    void admin
      .unsafe(`drop database if exists ${name} with (force)`)
      .finally(() => process.exit(1));
  },
  (2 * seconds + 120) * 1000,
);
watchdog.unref();
try {
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
  stage = 'waiting for the bare server';
  await waitFor(`http://127.0.0.1:${barePort}/`);
  stage = 'loading the bare server';
  const bareResult = await load(`http://127.0.0.1:${barePort}/`, { 'content-type': 'application/json' }, (key) =>
    JSON.stringify({ variables: variables(key) }),
    bare,
  );
  stage = 'stopping the bare server';
  await stop(bare);

  const port = await freePort();
  const server = start(process.env.BENCH_SERVER_JS ?? 'server/main.ts', {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_POOL_SIZE: String(poolSize),
    // As in production: graphql-js skips its development-only checks (about 3 % of the CPU here).
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    LOG_LEVEL: 'warn',
    // The benchmark measures throughput, not the abuse guard: one client IP sends everything.
    RATE_LIMIT_DISABLED: 'true',
  }, (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean));
  children.push(server);
  stage = 'waiting for the careloop server';
  await waitFor(`http://127.0.0.1:${port}/readyz`);
  const hash = persistedHash('SubmitResolutionCheck');
  stage = 'loading the careloop server';
  const careloopResult = await load(
    `http://127.0.0.1:${port}/graphql`,
    { 'content-type': 'application/json', 'x-careloop-site-key': site.publishableKey, origin },
    (key) => JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } }, variables: variables(key) }),
    server,
  );
  stage = 'stopping the careloop server';
  await stop(server);

  stage = 'counting the stored rows';
  const [{ count }] = await admin.unsafe(`select 1`).then(async () => {
    const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      return await db`select count(*)::int as count from feedback`;
    } finally {
      await db.end();
    }
  });
  await handle.close();

  const row = (label: string, r: typeof bareResult) =>
    `${label.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p99 ${String(r.p99).padStart(4)} ms   ` +
    `${r.cpuPerRequest === undefined ? '' : `server CPU ${r.cpuPerRequest.toFixed(0).padStart(4)} µs/req   `}${r.ok} ok, ${r.failed} failed` +
    (r.firstError ? `\n  first error response: ${r.firstError.slice(0, 500)}` : '');
  console.log(`submitResolutionCheck, ${connections} connections, ${seconds} s each, PostgreSQL (pools of ${poolSize})`);
  console.log(row('bare node:http + postgres.js', bareResult));
  console.log(row('careloop (yoga + Pothos + drizzle)', careloopResult));
  console.log(`ratio careloop / bare: ${(careloopResult.rps / bareResult.rps).toFixed(2)} (goal ≥ 0.5)`);
  // Requests still in flight when a run ends are stored but not counted: up to one per connection.
  const expected = bareResult.ok + careloopResult.ok;
  console.log(`rows stored: ${count} (answered ${expected}, plus up to ${2 * connections} in flight at the ends)`);
  if (careloopResult.failed > 0 || count < expected || count > expected + 2 * connections) process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
