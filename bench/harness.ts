/**
 * What the benchmarks (bench/intake.ts, bench/inbox.ts) share: a throwaway PostgreSQL database
 * with a watchdog, servers spawned on free ports, an autocannon load that counts only real
 * answers, and each server's CPU per request from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import postgres from 'postgres';

export const root = new URL('..', import.meta.url).pathname;
export const seconds = Number(process.env.BENCH_SECONDS ?? 10);
/** Both servers' PostgreSQL pool (careloop's DATABASE_POOL_SIZE); 10 is careloop's default. */
export const poolSize = Number(process.env.BENCH_POOL_SIZE ?? 10);

export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/**
 * Runs a TypeScript entry under tsx, or (a path ending in .js, e.g. a tsc build given as
 * BENCH_SERVER_JS) under plain node; `flags` go to node. BENCH_PROFILE_DIR writes a CPU profile
 * of each server there.
 */
export function start(script: string, env: Record<string, string>, flags: string[] = []): ChildProcess {
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const loader = script.endsWith('.js') ? [] : ['--import', 'tsx'];
  return spawn(process.execPath, [...profile, ...flags, ...loader, script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** careloop itself on a free port, as in production, on `databaseUrl`; resolves once /readyz answers. */
export async function startCareloop(databaseUrl: string, flags: string[] = []): Promise<{ server: ChildProcess; port: number }> {
  const port = await freePort();
  const server = start(
    process.env.BENCH_SERVER_JS ?? 'server/main.ts',
    {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_POOL_SIZE: String(poolSize),
      // As in production: graphql-js skips its development-only checks (about 3 % of the CPU here).
      NODE_ENV: process.env.NODE_ENV ?? 'production',
      LOG_LEVEL: 'warn',
      // The benchmarks measure throughput, not the abuse guard: one client IP sends everything.
      RATE_LIMIT_DISABLED: 'true',
    },
    flags,
  );
  return { server, port };
}

/** Up once it answers at all (a bare server may answer a probe without variables with 500). */
export async function waitFor(url: string) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

export const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

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

export interface Load {
  url: string;
  headers: Record<string, string>;
  /** The request body, or a body per request from a fresh UUID (an idempotency key). */
  body: string | ((key: string) => string);
  /** A GraphQL error still answers 200: a response counts as ok only when it contains this. */
  okWhen: string;
  connections: number;
  server: ChildProcess;
}

export async function load({ url, headers, body, okWhen, connections, server }: Load) {
  let wrong = 0;
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
        ...(typeof body === 'string' ? { body } : { setupRequest: (request) => ({ ...request, body: body(randomUUID()) }) }),
        onResponse: (status, responseBody) => {
          if (status === 200 && !responseBody.includes(okWhen)) {
            wrong++;
            firstError ??= responseBody;
          }
        },
      },
    ],
  });
  const cpuAfter = cpuSeconds(server.pid);
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    ok: result['2xx'] - wrong,
    failed: result.non2xx + result.errors + result.timeouts + wrong,
    firstError,
    /** Server CPU time per answered request, in microseconds: steadier than req/s on a shared machine. */
    cpuPerRequest: cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total,
  };
}

export type LoadResult = Awaited<ReturnType<typeof load>>;

/** One line of the report: req/s, p99, server CPU per request, answers. */
export const resultRow = (label: string, r: LoadResult) =>
  `${label.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p99 ${String(r.p99).padStart(4)} ms   ` +
  `${r.cpuPerRequest === undefined ? '' : `server CPU ${r.cpuPerRequest.toFixed(0).padStart(5)} µs/req   `}${r.ok} ok, ${r.failed} failed` +
  (r.firstError ? `\n  first error response: ${r.firstError.slice(0, 500)}` : '');

/**
 * Runs `body` on a fresh database (created beside BENCH_DATABASE_URL's, dropped after), with the
 * servers it spawns (`children`) killed at the end. A run that hangs (it happened once, stage
 * unknown) says where after `timeoutSeconds`, cleans up and fails.
 */
export async function withScratchDatabase(
  label: string,
  timeoutSeconds: number,
  body: (run: { databaseUrl: string; children: ChildProcess[]; setStage: (stage: string) => void }) => Promise<void>,
): Promise<void> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `careloop_bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const children: ChildProcess[] = [];
  let stage = 'setting up the database';
  const watchdog = setTimeout(() => {
    console.error(`bench ${label}: no progress after ${timeoutSeconds} s while ${stage}; giving up`);
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    void admin.unsafe(`drop database if exists ${name} with (force)`).finally(() => process.exit(1));
  }, timeoutSeconds * 1000);
  watchdog.unref();
  try {
    await body({ databaseUrl: url.toString(), children, setStage: (next) => (stage = next) });
  } finally {
    clearTimeout(watchdog);
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
