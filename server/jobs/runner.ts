/**
 * The job runner: claims due jobs with `FOR UPDATE SKIP LOCKED` under a lease, runs them,
 * retries failures with backoff and keeps the hopeless ones as `dead`.
 *
 * Hand-written on purpose. graphile-worker and pg-boss, the well-kept PostgreSQL queues, need a
 * PostgreSQL *server*: graphile-worker LISTENs on its own pg connection and installs its own
 * schema of functions; pg-boss opens its own `pg` pool. Neither runs on embedded PGlite, which is
 * careloop's default (a newcomer's `npm start`), and one runner for both engines keeps the
 * behaviour the tests check the same everywhere. What is needed is small: one claim statement,
 * one lease-recovery statement, one completion statement per job, and periodic enqueues made
 * idempotent by a unique key.
 *
 * Time: every instant compared or written (run_at, locked_until, finished_at) comes from the
 * runner's Clock, so tests drive leases, backoff and periods with a TestClock and call runOnce()
 * instead of waiting. Only the poll loop and the lease heartbeat use real timers.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Service } from '../app.ts';
import type { Clock } from '../clock/clock.ts';
import type { Database } from '../db/client.ts';
import { jobs } from '../db/tables/index.ts';
import { backoffMs, type BackoffOptions } from './backoff.ts';
import { enqueueJob } from './enqueue.ts';
import { DEFAULT_MAX_ATTEMPTS, periods, type JobRegistry } from './registry.ts';

export interface JobRunnerOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  registry: JobRegistry;
  /** Names this runner in locked_by; default host:pid:random. */
  workerId?: string;
  /** How long a claim holds a job before another runner may take it over. */
  leaseMs?: number;
  /** Jobs claimed (and run concurrently) per round. */
  batchSize?: number;
  /** Real-time pause between rounds that found nothing to do. */
  pollMs?: number;
  backoff?: BackoffOptions;
  /** Jitter source (tests make it fixed). */
  random?: () => number;
  /** Renew leases of running jobs every leaseMs / 3 (real time). Default true. */
  heartbeat?: boolean;
}

export interface RoundSummary {
  /** Periodic jobs this round enqueued (0 when another instance had already). */
  periodic: number;
  /** Running jobs whose lease had expired: queued again, or dead when out of attempts. */
  recovered: number;
  claimed: number;
  succeeded: number;
  /** Failed and queued again for a retry. */
  retried: number;
  dead: number;
}

export interface JobRunner extends Service {
  readonly workerId: string;
  /** One round: periodic enqueues, lease recovery, one claim, its jobs run to the end. */
  runOnce(): Promise<RoundSummary>;
}

const MAX_ERROR_LENGTH = 2_000;

type JobRow = typeof jobs.$inferSelect;

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { db, clock, registry } = options;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const logger = options.logger.child({ worker: workerId });
  const leaseMs = options.leaseMs ?? 60_000;
  const batchSize = options.batchSize ?? 10;
  const pollMs = options.pollMs ?? 1_000;
  const random = options.random ?? Math.random;
  const iso = (ms: number) => new Date(ms).toISOString();

  /** The period each periodic kind was last enqueued for by this runner: one insert per period, not per round. */
  const enqueuedPeriods = new Map<string, number>();
  const running = new Map<string, Promise<void>>();
  const abort = new AbortController();

  async function enqueuePeriodic(now: number): Promise<number> {
    let created = 0;
    for (const definition of registry.definitions) {
      if (!definition.every) continue;
      const periodMs = periods[definition.every];
      const periodStart = Math.floor(now / periodMs) * periodMs;
      if (enqueuedPeriods.get(definition.kind) === periodStart) continue;
      // The unique key makes N instances enqueue one job per period (ON CONFLICT DO NOTHING).
      const result = await enqueueJob(db, definition.kind, definition.payload.parse(definition.periodicPayload), {
        clock,
        runAt: new Date(periodStart),
        uniqueKey: `${definition.kind}:${iso(periodStart)}`,
        maxAttempts: definition.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      });
      enqueuedPeriods.set(definition.kind, periodStart);
      if (result.created) created++;
    }
    return created;
  }

  /** A crashed or partitioned worker's jobs: runnable again once their lease is over. */
  async function recoverExpiredLeases(now: number): Promise<{ recovered: number; dead: number }> {
    const expired = db
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.state, 'running'), lte(jobs.lockedUntil, iso(now))))
      .limit(100)
      .for('update', { skipLocked: true });
    const outOfAttempts = sql`${jobs.attempts} >= ${jobs.maxAttempts}`;
    const rows = await db
      .update(jobs)
      .set({
        state: sql`case when ${outOfAttempts} then 'dead'::job_state else 'queued'::job_state end`,
        lastError: sql`'lease expired: the worker ' || coalesce(${jobs.lockedBy}, '?') || ' stopped while running it'`,
        finishedAt: sql`case when ${outOfAttempts} then ${iso(now)}::timestamptz end`,
        runAt: iso(now),
        lockedBy: null,
        lockedUntil: null,
        updatedAt: iso(now),
      })
      .where(sql`${jobs.id} = any(array(${expired}))`)
      .returning({ id: jobs.id, state: jobs.state });
    for (const row of rows) logger.warn({ job: row.id, state: row.state }, 'job lease expired; its worker is gone');
    return { recovered: rows.length, dead: rows.filter((r) => r.state === 'dead').length };
  }

  async function claim(now: number, limit: number): Promise<JobRow[]> {
    // `= any(array(subquery))` runs the locking subquery once (an InitPlan); `in (subquery)` may
    // be planned as a join that rescans it, claiming more than `limit` rows.
    const due = db
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.state, 'queued'), lte(jobs.runAt, iso(now))))
      .orderBy(asc(jobs.runAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    return db
      .update(jobs)
      .set({
        state: 'running',
        attempts: sql`${jobs.attempts} + 1`,
        lockedBy: workerId,
        lockedUntil: iso(now + leaseMs),
        updatedAt: iso(now),
      })
      .where(sql`${jobs.id} = any(array(${due}))`)
      .returning();
  }

  /** Completion applies only while this runner still holds the lease. */
  const ours = (id: string) => and(eq(jobs.id, id), eq(jobs.lockedBy, workerId), eq(jobs.state, 'running'));

  async function finish(job: JobRow, outcome: 'succeeded' | 'retried' | 'dead', error?: string): Promise<boolean> {
    const now = clock.now().getTime();
    const set =
      outcome === 'succeeded'
        ? { state: 'succeeded' as const, finishedAt: iso(now) }
        : outcome === 'dead'
          ? { state: 'dead' as const, finishedAt: iso(now), lastError: error }
          : { state: 'queued' as const, runAt: iso(now + backoffMs(job.attempts, options.backoff, random)), lastError: error };
    const rows = await db
      .update(jobs)
      .set({ ...set, lockedBy: null, lockedUntil: null, updatedAt: iso(now) })
      .where(ours(job.id))
      .returning({ id: jobs.id });
    if (rows.length === 0) logger.warn({ job: job.id, kind: job.kind }, 'job finished after its lease was lost; another run owns it');
    return rows.length === 1;
  }

  async function run(job: JobRow): Promise<'succeeded' | 'retried' | 'dead' | 'lost'> {
    const definition = registry.get(job.kind);
    const log = logger.child({ job: job.id, kind: job.kind, attempt: job.attempts });
    let outcome: 'succeeded' | 'retried' | 'dead';
    let error: string | undefined;
    const parsed = definition?.payload.safeParse(job.payload);
    if (!definition) {
      // Perhaps a newer deploy's kind: retried with backoff, so instances that know it can take it.
      error = `unknown job kind ${job.kind}`;
      outcome = job.attempts >= job.maxAttempts ? 'dead' : 'retried';
    } else if (!parsed!.success) {
      // A payload that does not parse now never will: no point retrying.
      error = `payload does not match ${job.kind}: ${parsed!.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`;
      outcome = 'dead';
    } else {
      let heartbeat: NodeJS.Timeout | undefined;
      if (options.heartbeat !== false) {
        heartbeat = setInterval(() => {
          db.update(jobs)
            .set({ lockedUntil: iso(clock.now().getTime() + leaseMs) })
            .where(ours(job.id))
            .then(
              () => {},
              (e: unknown) => log.warn({ err: e }, 'could not renew the job lease'),
            );
        }, Math.max(1, Math.floor(leaseMs / 3)));
        heartbeat.unref();
      }
      try {
        await definition.handle(parsed!.data, {
          db,
          clock,
          logger: log,
          job: { id: job.id, kind: job.kind, orgId: job.orgId, attempt: job.attempts, maxAttempts: job.maxAttempts },
          signal: abort.signal,
        });
        outcome = 'succeeded';
      } catch (e) {
        error = errorText(e);
        outcome = job.attempts >= job.maxAttempts ? 'dead' : 'retried';
        log.warn({ err: e, outcome }, 'job failed');
      } finally {
        clearInterval(heartbeat);
      }
    }
    if (abort.signal.aborted) return 'lost'; // released at the stop deadline: a later run redoes it
    if (outcome === 'dead') log.error({ error }, 'job is dead: out of attempts');
    return (await finish(job, outcome, error)) ? outcome : 'lost';
  }

  async function runOnce(): Promise<RoundSummary> {
    const now = clock.now().getTime();
    const periodic = await enqueuePeriodic(now);
    const { recovered, dead: deadByLease } = await recoverExpiredLeases(now);
    const claimed = await claim(now, batchSize);
    const summary: RoundSummary = { periodic, recovered, claimed: claimed.length, succeeded: 0, retried: 0, dead: deadByLease };
    await Promise.all(
      claimed.map(async (job) => {
        const done = run(job);
        running.set(job.id, done.then(() => {}, () => {}));
        try {
          const outcome = await done;
          if (outcome !== 'lost') summary[outcome]++;
        } finally {
          running.delete(job.id);
        }
      }),
    );
    return summary;
  }

  let loop: Promise<void> | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;

  async function pollLoop(): Promise<void> {
    while (!stopped) {
      let busy = false;
      try {
        busy = (await runOnce()).claimed > 0;
      } catch (error) {
        if (stopped) break;
        logger.error({ err: error }, 'job round failed; trying again');
      }
      if (stopped) break;
      if (!busy) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  }

  return {
    name: 'job runner',
    workerId,
    runOnce,
    async start() {
      stopped = false;
      loop ??= pollLoop();
    },
    async stop(deadline) {
      stopped = true;
      wake?.();
      // The poll loop's round, and rounds a caller started with runOnce().
      const finished = Promise.all([loop, ...running.values()]).then(() => true);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
      });
      const inTime = await Promise.race([finished, timedOut]);
      clearTimeout(timer);
      loop = undefined;
      if (inTime) return;
      // Out of time: hand the jobs back (the attempt does not count) so that another instance,
      // or the next start, runs them at once instead of after their lease.
      abort.abort();
      const now = iso(clock.now().getTime());
      const released = await db
        .update(jobs)
        .set({ state: 'queued', attempts: sql`greatest(${jobs.attempts} - 1, 0)`, lockedBy: null, lockedUntil: null, runAt: now, updatedAt: now })
        .where(and(eq(jobs.lockedBy, workerId), eq(jobs.state, 'running')))
        .returning({ id: jobs.id });
      logger.warn({ released: released.length, stillRunning: running.size }, 'stopping: released the jobs still running');
    },
  };
}
