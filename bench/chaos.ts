/**
 * `npm run chaos`: does an acknowledged submission survive crashes and outages, exactly once?
 *
 * For each engine (PostgreSQL, then PGlite) it runs the real server (`server/main.ts`, production
 * mode, rate limits off since one address sends everything) and drives CHAOS_COUNT widget
 * submissions through the persisted operations with the site's publishable key: half resolution
 * checks (SubmitResolutionCheck), half complaints (FileComplaint), each with its own idempotency
 * key, CHAOS_CONCURRENCY at a time, each retried (same key, same body) until acknowledged. While
 * they run it kills the server with SIGKILL CHAOS_KILLS times (restarting it on the same port at
 * once, as a supervisor would) and, on PostgreSQL, cuts the database for CHAOS_CUT_SECONDS: a TCP
 * proxy on loopback between careloop and PostgreSQL (test/helpers/tcp-proxy.ts) drops every
 * connection and refuses new ones. PGlite runs inside the server process, so it gets the kills only.
 *
 * Afterwards it counts the rows in the database (feedback of kind resolution_check, and
 * complaints, of the benchmark's site) and prints: acknowledged, rows, lost (acknowledged, no
 * row), duplicated (rows beyond the distinct idempotency keys), every answer the clients saw by
 * HTTP status and extensions.code, and how long each kill and cut took to recover from (until
 * /readyz answered 200, and until the first submission was acknowledged). It exits 1 unless every
 * submission was acknowledged, lost = 0, duplicated = 0, and no answer carried a stack trace, a
 * file path or SQL, or was a 200 with an INTERNAL_SERVER_ERROR (which a widget would not retry).
 *
 *   npm run chaos                                   # 2,000 per engine, 2 kills, a 10 s cut
 *   CHAOS_COUNT=200 CHAOS_KILLS=1 CHAOS_CUT_SECONDS=2 CHAOS_ENGINES=pglite npm run chaos
 *
 * Environment: CHAOS_COUNT (2000), CHAOS_CONCURRENCY (20), CHAOS_KILLS (2), CHAOS_CUT_SECONDS (10;
 * 0: no cut), CHAOS_ENGINES (postgres,pglite), CHAOS_TIMEOUT_SECONDS (300 per engine: past it the
 * clients give up and the run fails), CHAOS_DATABASE_URL (the PostgreSQL server a throwaway
 * database is made on; default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test).
 * Everything listens on 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { systemClock } from '../server/clock/clock.ts';
import { openConfiguredDatabase } from '../server/db/data-dir-lock.ts';
import type { DatabaseHandle } from '../server/db/client.ts';
import { runMigrations } from '../server/db/migrate.ts';
import { complaints, feedback } from '../server/db/tables/index.ts';
import { persistedOperation } from '../server/http/persisted-operations.ts';
import { createOrganization } from '../server/organizations/organizations.service.ts';
import { isEntryPoint } from '../server/shared/entry-point.ts';
import { createSite } from '../server/sites/sites.service.ts';
import { systemTenant } from '../server/tenant/tenant.ts';
import { startTcpProxy, type TcpProxy } from '../test/helpers/tcp-proxy.ts';

export type Engine = 'postgres' | 'pglite';

export interface ChaosOptions {
  engine: Engine;
  count: number;
  concurrency: number;
  kills: number;
  /** PostgreSQL only; 0: no cut. */
  cutSeconds: number;
  /** Past this the clients stop retrying and the run fails. */
  timeoutMs: number;
  /** PostgreSQL server to make the throwaway database on. */
  adminUrl: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface Disruption {
  what: 'kill -9' | 'database cut';
  /** Submissions acknowledged when it began. */
  atAcknowledged: number;
  /** How long the database was cut (cuts only). */
  outageMs?: number;
  /** From the kill (or the end of the cut) until /readyz answered 200. */
  readyMs: number;
  /** From the kill (or the end of the cut) until a submission was acknowledged again. */
  firstAckMs?: number;
}

export interface ChaosResult {
  engine: Engine;
  count: number;
  acknowledged: number;
  /** Rows counted in the database afterwards: resolution checks + complaints of the site. */
  rows: number;
  resolutionChecks: number;
  complaints: number;
  /** Acknowledged, but no row with its idempotency key. */
  lost: number;
  /** Rows beyond the number of distinct idempotency keys stored. */
  duplicated: number;
  requests: number;
  /** Every answer the clients saw, `<HTTP status> <extensions.code or __typename>` → how many. */
  answers: Record<string, number>;
  /** The same, by what was going on when the request was sent: `steady`, `kill -9 #1`, `database cut`… (until the first acknowledgement after it). */
  answersDuring: Record<string, Record<string, number>>;
  /** The longest an answer of each label took to come, in ms. */
  slowestMs: Record<string, number>;
  /** Answers with a stack trace, a file path or SQL in them (first few kept). */
  leaks: { answer: string; reason: string; body: string }[];
  leakCount: number;
  /** 200 answers carrying an INTERNAL_SERVER_ERROR. */
  internalOn200: number;
  /** Submissions that met a permanent refusal (a typed error or a 4xx) and were not retried. */
  refused: number;
  disruptions: Disruption[];
  elapsedMs: number;
  /** Why the run fails; empty when it passes. */
  failures: string[];
}

const ORIGIN = 'https://chaos.example';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What in an answer's body betrays the server's insides: a stack frame, a source path, SQL.
 * Undefined when the body is clean.
 */
export function leakIn(body: string): string | undefined {
  if (/ {4}at |\bat \S+ \(|\bat (?:async )?\S+:\d+:\d+/.test(body)) return 'stack trace';
  if (/(?:\/[\w.@-]+)+\.(?:[cm]?[jt]sx?)\b|node_modules|file:\/\//.test(body)) return 'file path';
  if (/\bselect\b[^]*\bfrom\b|\binsert\s+into\b|\bupdate\s+"?\w+"?\s+set\b|\bdelete\s+from\b|failed query/i.test(body)) return 'SQL';
  return undefined;
}

interface Submission {
  kind: 'resolution' | 'complaint';
  key: string;
  body: string;
  acknowledged: boolean;
}

const resolutionCheck = persistedOperation('SubmitResolutionCheck');
const fileComplaint = persistedOperation('FileComplaint');

function makeSubmission(index: number): Submission {
  const key = randomUUID();
  const kind = index % 2 === 0 ? 'resolution' : 'complaint';
  const context = { pageUrl: `${ORIGIN}/help/${index}` };
  const body =
    kind === 'resolution'
      ? {
          extensions: { persistedQuery: { version: 1, sha256Hash: resolutionCheck.hash } },
          variables: { input: { subject: `article:${index}`, solved: index % 4 === 0, idempotencyKey: key, locale: 'en', context } },
        }
      : {
          extensions: { persistedQuery: { version: 1, sha256Hash: fileComplaint.hash } },
          variables: {
            input: {
              category: 'DELIVERY',
              description: `Chaos complaint ${index}: the parcel arrived two weeks late.`,
              elapsedMs: 45_000,
              idempotencyKey: key,
              locale: 'en',
              context,
            },
          },
        };
  return { kind, key, body: JSON.stringify(body), acknowledged: false };
}

interface Outcome {
  label: string;
  acknowledged: boolean;
  /** Not worth retrying: the same request gets the same refusal. */
  permanent: boolean;
  internalOn200: boolean;
  leak?: string;
  body?: string;
}

/** Sends one submission once and says what came back. */
async function send(url: string, siteKey: string, submission: Submission): Promise<Outcome> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-careloop-site-key': siteKey, origin: ORIGIN },
      body: submission.body,
      signal: AbortSignal.timeout(10_000),
    });
    text = await response.text();
  } catch (error) {
    const err = error as Error & { cause?: { code?: string } };
    const label = err.name === 'TimeoutError' ? 'timeout' : `network ${err.cause?.code ?? err.name}`;
    return { label, acknowledged: false, permanent: false, internalOn200: false };
  }
  const leak = leakIn(text);
  let json: { data?: Record<string, { __typename?: string } | null> | null; errors?: { extensions?: { code?: string } }[]; extensions?: { code?: string } } | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: labelled below
  }
  const code = json?.errors?.[0]?.extensions?.code ?? json?.extensions?.code;
  const result = json?.data ? Object.values(json.data)[0] : undefined;
  const typename = result?.__typename;
  const label = `${response.status} ${code ?? typename ?? (json ? 'no code' : `not JSON (${response.headers.get('content-type') ?? 'no content-type'})`)}`;
  const acknowledged = response.status === 200 && !json?.errors?.length && typename?.endsWith('Success') === true;
  const internalOn200 = response.status === 200 && (json?.errors ?? []).some((e) => (e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') === 'INTERNAL_SERVER_ERROR');
  // A typed refusal (ValidationError, ConflictError…) or a 4xx other than 408/429 would come back the same.
  const permanent =
    !acknowledged &&
    ((response.status === 200 && !!typename && !json?.errors?.length) ||
      (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429));
  return { label, acknowledged, permanent, internalOn200, leak, body: leak ? text : undefined };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}

/** The careloop server as a child process on a fixed port, so that a restart keeps its address. */
class ServerProcess {
  private child: ChildProcess | undefined;
  private output: string[] = [];
  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Spawns the server; resolves once /readyz answers 200 (bounded: 90 s). */
  async start(): Promise<void> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['DATABASE_URL', 'CARELOOP_DATA_DIR', 'NODE_OPTIONS', 'REDIS_URL']) delete env[name];
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: repoRoot,
      env: { ...env, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production', RATE_LIMIT_DISABLED: 'true', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString('utf8'));
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await this.waitReady(90_000);
  }

  /** Polls /readyz every 25 ms until it answers 200; the milliseconds that took. */
  async waitReady(timeoutMs: number): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (this.child && (this.child.exitCode !== null || this.child.signalCode !== null)) {
        throw new Error(`the server exited (${this.child.exitCode ?? this.child.signalCode}) before it was ready:\n${this.output.join('')}`);
      }
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        if (response.status === 200) return Date.now() - started;
      } catch {
        // not listening yet
      }
      await sleep(25);
    }
    throw new Error(`the server was not ready within ${timeoutMs} ms:\n${this.output.join('')}`);
  }

  /** SIGKILL, and wait until the process is gone. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM (a graceful stop), then SIGKILL after 20 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

/** A migrated database with one organization and a site allowing ORIGIN; how to reach it. */
async function prepareDatabase(options: ChaosOptions): Promise<{
  serverEnv: Record<string, string>;
  open(): Promise<DatabaseHandle>;
  siteKey: string;
  siteId: string;
  proxy?: TcpProxy;
  cleanup(): Promise<void>;
}> {
  let open: () => Promise<DatabaseHandle>;
  let serverEnv: Record<string, string>;
  let proxy: TcpProxy | undefined;
  let cleanup: () => Promise<void>;
  if (options.engine === 'postgres') {
    const name = `careloop_chaos_${randomBytes(4).toString('hex')}`;
    const admin = postgres(options.adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const direct = new URL(options.adminUrl);
    direct.pathname = `/${name}`;
    proxy = await startTcpProxy(direct);
    const viaProxy = new URL(direct);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    open = () => openConfiguredDatabase({ DATABASE_URL: direct.toString(), DATABASE_POOL_SIZE: 2, CARELOOP_DATA_DIR: '' });
    serverEnv = { DATABASE_URL: viaProxy.toString() };
    const p = proxy;
    cleanup = async () => {
      await p.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'careloop-chaos-'));
    open = () => openConfiguredDatabase({ CARELOOP_DATA_DIR: dir, DATABASE_POOL_SIZE: 1 });
    serverEnv = { CARELOOP_DATA_DIR: dir };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  try {
    const handle = await open();
    try {
      await runMigrations(handle);
      const platform = { db: handle.db, clock: systemClock };
      const org = await createOrganization(platform, { name: 'Chaos' });
      const site = await createSite(systemTenant(platform, org.id, 'chaos'), { name: 'Chaos', allowedOrigins: [ORIGIN] });
      return { serverEnv, open, siteKey: site.publishableKey, siteId: site.id, proxy, cleanup };
    } finally {
      await handle.close();
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const database = await prepareDatabase(options);
  const server = new ServerProcess(await freePort(), database.serverEnv);
  const submissions = Array.from({ length: options.count }, (_, i) => makeSubmission(i));
  const answers: Record<string, number> = {};
  const answersDuring: Record<string, Record<string, number>> = {};
  const slowestMs: Record<string, number> = {};
  let phase = 'steady';
  const leaks: ChaosResult['leaks'] = [];
  let leakCount = 0;
  let internalOn200 = 0;
  let requests = 0;
  let acknowledged = 0;
  let refused = 0;
  let done = 0;
  const disruptions: Disruption[] = [];
  const plan: Disruption['what'][] = [];
  // Waiters for "a submission whose request began at or after `since` was acknowledged".
  const ackWaiters: { since: number; resolve: (at: number) => void }[] = [];

  try {
    await server.start();
    log(`${options.engine}: server ready on ${server.url}; ${options.count} submissions, concurrency ${options.concurrency}`);
    const deadline = Date.now() + options.timeoutMs;

    const submit = async (submission: Submission) => {
      for (let attempt = 0; Date.now() < deadline; attempt++) {
        const sentAt = Date.now();
        const sentDuring = phase;
        const outcome = await send(server.url, database.siteKey, submission);
        requests++;
        answers[outcome.label] = (answers[outcome.label] ?? 0) + 1;
        const during = (answersDuring[sentDuring] ??= {});
        during[outcome.label] = (during[outcome.label] ?? 0) + 1;
        slowestMs[outcome.label] = Math.max(slowestMs[outcome.label] ?? 0, Date.now() - sentAt);
        if (outcome.internalOn200) internalOn200++;
        if (outcome.leak) {
          leakCount++;
          if (leaks.length < 5) leaks.push({ answer: outcome.label, reason: outcome.leak, body: outcome.body!.slice(0, 2_000) });
        }
        if (outcome.acknowledged) {
          submission.acknowledged = true;
          acknowledged++;
          const at = Date.now();
          for (const waiter of [...ackWaiters]) {
            if (sentAt >= waiter.since) {
              waiter.resolve(at);
              ackWaiters.splice(ackWaiters.indexOf(waiter), 1);
            }
          }
          return;
        }
        if (outcome.permanent) {
          refused++;
          return;
        }
        // Like the widget's queue: back off, with jitter; capped at 1 s so recovery is seen soon.
        await sleep(Math.min(1_000, 50 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2));
      }
    };

    let next = 0;
    const workers = Array.from({ length: options.concurrency }, async () => {
      while (next < submissions.length && Date.now() < deadline) {
        const submission = submissions[next++]!;
        await submit(submission);
        done++;
      }
    });
    const allDone = Promise.all(workers).then(() => true as const);

    /** Resolves with the time a submission sent at or after `since` is acknowledged (undefined if none comes). */
    const firstAckAfter = (since: number) =>
      Promise.race([
        new Promise<number>((resolve) => ackWaiters.push({ since, resolve })),
        allDone.then(() => undefined),
      ]);

    // The disruptions, spread evenly over the run: kill, cut, kill… each one after the last recovered.
    const cuts = options.engine === 'postgres' && options.cutSeconds > 0 ? 1 : 0;
    for (let k = 0; k < options.kills; k++) {
      plan.push('kill -9');
      if (k === 0 && cuts) plan.push('database cut');
    }
    if (options.kills === 0 && cuts) plan.push('database cut');

    const chaos = (async () => {
      for (const [i, what] of plan.entries()) {
        const threshold = Math.floor((options.count * (i + 1)) / (plan.length + 1));
        while (acknowledged < threshold && done < submissions.length && Date.now() < deadline) await sleep(5);
        if (done >= submissions.length || Date.now() >= deadline) {
          log(`${options.engine}: ${what} #${i + 1} skipped: the submissions were done`);
          continue;
        }
        const atAcknowledged = acknowledged;
        phase = what === 'kill -9' ? `kill -9 #${plan.slice(0, i + 1).filter((w) => w === what).length}` : what;
        if (what === 'kill -9') {
          const at = Date.now();
          const firstAck = firstAckAfter(at);
          await server.kill9();
          await server.start();
          const readyMs = Date.now() - at;
          const ackAt = await firstAck;
          disruptions.push({ what, atAcknowledged, readyMs, firstAckMs: ackAt === undefined ? undefined : ackAt - at });
        } else {
          const cutAt = Date.now();
          database.proxy!.cut();
          await sleep(options.cutSeconds * 1_000);
          const restoredAt = Date.now();
          const firstAck = firstAckAfter(restoredAt);
          database.proxy!.restore();
          const readyMs = await server.waitReady(60_000);
          const ackAt = await firstAck;
          disruptions.push({ what, atAcknowledged, outageMs: restoredAt - cutAt, readyMs, firstAckMs: ackAt === undefined ? undefined : ackAt - restoredAt });
        }
        phase = 'steady';
        const last = disruptions.at(-1)!;
        log(`${options.engine}: ${what} at ${atAcknowledged} acknowledged: ready after ${last.readyMs} ms, first acknowledgement after ${last.firstAckMs ?? '–'} ms`);
      }
    })();
    await Promise.all([allDone, chaos]);
    await server.stop();
  } finally {
    await server.kill9().catch(() => {});
  }

  // Count what is stored, straight from the database (not through the proxy).
  let keysStored: string[] = [];
  let resolutionChecks = 0;
  let complaintRows = 0;
  try {
    const handle = await database.open();
    try {
      const checks = await handle.db
        .select({ key: feedback.idempotencyKey })
        .from(feedback)
        .where(and(eq(feedback.siteId, database.siteId), eq(feedback.kind, 'resolution_check')));
      const filed = await handle.db.select({ key: complaints.idempotencyKey }).from(complaints).where(eq(complaints.siteId, database.siteId));
      resolutionChecks = checks.length;
      complaintRows = filed.length;
      keysStored = [...checks, ...filed].map((row) => String(row.key));
    } finally {
      await handle.close();
    }
  } finally {
    await database.cleanup();
  }
  const stored = new Set(keysStored);
  const lost = submissions.filter((s) => s.acknowledged && !stored.has(s.key)).length;
  const duplicated = keysStored.length - stored.size;
  const failures: string[] = [];
  if (acknowledged < options.count) failures.push(`${options.count - acknowledged} submissions were never acknowledged`);
  if (lost) failures.push(`${lost} acknowledged submissions have no row`);
  if (duplicated) failures.push(`${duplicated} duplicated rows`);
  if (leakCount) failures.push(`${leakCount} answers leaked a stack trace, a file path or SQL`);
  if (internalOn200) failures.push(`${internalOn200} answers were a 200 with an INTERNAL_SERVER_ERROR`);
  if (disruptions.length < plan.length) failures.push(`only ${disruptions.length} of ${plan.length} disruptions happened while submissions ran`);
  return {
    engine: options.engine,
    count: options.count,
    acknowledged,
    rows: keysStored.length,
    resolutionChecks,
    complaints: complaintRows,
    lost,
    duplicated,
    requests,
    answers,
    answersDuring,
    slowestMs,
    leaks,
    leakCount,
    internalOn200,
    refused,
    disruptions,
    elapsedMs: Date.now() - started,
    failures,
  };
}

/** The result as the lines `npm run chaos` prints. */
export function describeResult(r: ChaosResult): string {
  const lines = [
    `== ${r.engine}: ${r.count} submissions (${Math.ceil(r.count / 2)} resolution checks, ${Math.floor(r.count / 2)} complaints), ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `acknowledged ${r.acknowledged}   rows ${r.rows} (${r.resolutionChecks} resolution checks + ${r.complaints} complaints)   lost ${r.lost}   duplicated ${r.duplicated}`,
    `requests ${r.requests}; answers by HTTP status and extensions.code (or __typename):`,
    ...Object.entries(r.answers)
      .sort((a, b) => b[1] - a[1])
      .map(([label, n]) => `  ${String(n).padStart(6)}  ${label.padEnd(40)} slowest ${r.slowestMs[label]} ms`),
    'the same by what was going on when sent (a disruption lasts until the first acknowledgement after it):',
    ...Object.entries(r.answersDuring).map(
      ([phase, counts]) =>
        `  ${phase.padEnd(13)} ${Object.entries(counts)
          .sort((a, b) => b[1] - a[1])
          .map(([label, n]) => `${n} × ${label}`)
          .join(', ')}`,
    ),
    `answers with a stack trace, file path or SQL: ${r.leakCount}; 200 with INTERNAL_SERVER_ERROR: ${r.internalOn200}; refused for good: ${r.refused}`,
    'recovery:',
    ...r.disruptions.map(
      (d) =>
        `  ${d.what.padEnd(12)} at ${String(d.atAcknowledged).padStart(5)} acknowledged${d.outageMs !== undefined ? `, cut ${(d.outageMs / 1000).toFixed(1)} s` : ''}: ` +
        `/readyz 200 after ${d.readyMs} ms, first acknowledgement after ${d.firstAckMs ?? '–'} ms${d.what === 'database cut' ? ' (from the end of the cut)' : ' (from the kill)'}`,
    ),
    ...r.leaks.map((l) => `  leak (${l.reason}) in ${l.answer}: ${l.body.slice(0, 500)}`),
    r.failures.length ? `FAIL: ${r.failures.join('; ')}` : 'ok',
  ];
  return lines.join('\n');
}

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const engines = (process.env.CHAOS_ENGINES ?? 'postgres,pglite').split(',').map((e) => e.trim()).filter(Boolean);
  for (const engine of engines) if (engine !== 'postgres' && engine !== 'pglite') throw new Error(`CHAOS_ENGINES: unknown engine "${engine}"`);
  const common = {
    count: intFromEnv('CHAOS_COUNT', 2_000, 1),
    concurrency: intFromEnv('CHAOS_CONCURRENCY', 20, 1),
    kills: intFromEnv('CHAOS_KILLS', 2, 0),
    cutSeconds: intFromEnv('CHAOS_CUT_SECONDS', 10, 0),
    timeoutMs: intFromEnv('CHAOS_TIMEOUT_SECONDS', 300, 1) * 1_000,
    adminUrl: process.env.CHAOS_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    log: (line: string) => console.log(line),
  };
  let failed = false;
  for (const engine of engines as Engine[]) {
    const result = await runChaos({ ...common, engine });
    console.log(describeResult(result));
    if (result.failures.length) failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
