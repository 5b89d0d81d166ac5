import { spawn } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../server/clock/clock.ts';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.ts';
import { runMigrations } from '../../server/db/migrate.ts';
import { jobs } from '../../server/db/tables/index.ts';
import { jobRow, Recorder, testRegistry, testRunner } from '../api/jobs-fixtures.ts';
import { childEnv, createPostgresDatabase, killAllChildren, repoRoot, type ThrowawayPostgres } from './processes.ts';

// Several runners on one PostgreSQL, each with its own connection pool, as separate instances
// have. PostgreSQL only: embedded PGlite is one process's database, so there is no second
// instance to race with (test/api/jobs.test.ts runs the single-runner rules on both engines).
const kinds = testRegistry(new Recorder());

describe.runIf(process.env.TEST_DATABASE_URL)('jobs on PostgreSQL with several runners', { timeout: 180_000 }, () => {
  let database: ThrowawayPostgres;
  const handles: DatabaseHandle[] = [];
  const open = async () => {
    const handle = await openDatabase({ kind: 'postgres', url: database.url, poolSize: 4 });
    handles.push(handle);
    return handle;
  };
  beforeAll(async () => {
    database = (await createPostgresDatabase())!;
    await runMigrations(await open());
  });
  afterAll(async () => {
    await killAllChildren();
    await Promise.all(handles.map((h) => h.close()));
    await database?.drop();
  });

  it('two runners, 1,000 jobs: each job ran exactly once', async () => {
    const [one, two] = [await open(), await open()];
    const clock = new TestClock();
    const recorder = new Recorder();
    await one.db.transaction(async (tx) => {
      for (let n = 0; n < 1_000; n++) await kinds.enqueue(tx, 'test.count', { n }, { clock });
    });
    const runners = [testRunner(one.db, clock, recorder, { workerId: 'one', batchSize: 20 }), testRunner(two.db, clock, recorder, { workerId: 'two', batchSize: 20 })];
    const claimedBy = new Map<string, number>();
    const started = performance.now();
    await Promise.all(
      runners.map(async (runner) => {
        for (;;) {
          const { claimed } = await runner.runOnce();
          if (claimed === 0) return;
          claimedBy.set(runner.workerId, (claimedBy.get(runner.workerId) ?? 0) + claimed);
        }
      }),
    );
    const ms = performance.now() - started;
    console.info(`[jobs] two runners, 1,000 jobs: ${Math.round(ms)} ms (${Math.round(1_000_000 / ms)} jobs/s); claimed ${JSON.stringify(Object.fromEntries(claimedBy))}`);
    expect(recorder.runs.size).toBe(1_000);
    expect([...recorder.runs.entries()].filter(([, runs]) => runs !== 1)).toEqual([]);
    // Both took part (otherwise the test proves nothing about SKIP LOCKED).
    expect(claimedBy.get('one')).toBeGreaterThan(0);
    expect(claimedBy.get('two')).toBeGreaterThan(0);
    const states = await one.db.select({ state: jobs.state, attempts: jobs.attempts }).from(jobs).where(eq(jobs.kind, 'test.count'));
    expect(states.every((s) => s.state === 'succeeded' && s.attempts === 1)).toBe(true);
  });

  it('a runner process killed (SIGKILL) while a handler runs loses nothing: the job runs again after its lease', async () => {
    const handle = await open();
    const leaseMs = 60_000;
    const { id } = await kinds.enqueue(handle.db, 'test.block', {}, { clock: new TestClock() });
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/process/fixtures/job-worker.ts'], {
      cwd: repoRoot,
      env: childEnv({ DATABASE_URL: database.url, LEASE_MS: String(leaseMs) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (output.includes(`running ${id}`)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before running the job:\n${output}`)));
    });
    const claimed = await jobRow(handle.db, id!);
    expect(claimed).toMatchObject({ state: 'running', attempts: 1, lockedBy: `child:${child.pid}` });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    // Another instance, before and after the lease the dead worker left behind.
    const recorder = new Recorder();
    const clock = new TestClock(Date.parse(claimed!.lockedUntil!) - 1_000);
    const survivor = testRunner(handle.db, clock, recorder, { workerId: 'survivor' });
    expect(await survivor.runOnce()).toMatchObject({ recovered: 0, claimed: 0 });
    clock.advance(1_000);
    const round = survivor.runOnce();
    await expect.poll(() => recorder.blocked.length).toBe(1);
    recorder.blocked[0]!();
    expect(await round).toMatchObject({ recovered: 1, claimed: 1, succeeded: 1 });
    expect(await jobRow(handle.db, id!)).toMatchObject({
      state: 'succeeded',
      attempts: 2,
      lastError: `lease expired: the worker child:${child.pid} stopped while running it`,
    });
  });
});
