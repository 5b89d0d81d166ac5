import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, vi } from 'vitest';
import { TestClock } from '../../server/clock/clock.ts';
import { jobs } from '../../server/db/tables/index.ts';
import { backoffMs } from '../../server/jobs/backoff.ts';
import { enqueue, jobRegistry } from '../../server/jobs/kinds.ts';
import { createJobRunner } from '../../server/jobs/runner.ts';
import { createOrganization } from '../../server/organizations/organizations.service.ts';
import { test } from '../helpers/fixtures.ts';
import { jobRow, Recorder, silent, testRegistry, testRunner } from './jobs-fixtures.ts';

// The runner's rules, driven by a TestClock and runOnce(): nothing here waits for real time.
// Each test gets a new clock and recorder; the file's `database` is emptied of jobs before each test.
const it = test
  .extend('clock', (): TestClock => new TestClock('2031-02-28T23:59:00Z'))
  .extend('recorder', (): Recorder => new Recorder());
const kinds = testRegistry(new Recorder(), true);

it.beforeEach(async ({ database }) => {
  await database.db.delete(jobs);
});

describe('enqueue', () => {
  it('inside a rolled-back transaction leaves no job; inside a committed one, one job stamped by the clock', async ({ database, clock }) => {
    await expect(
      database.db.transaction(async (tx) => {
        await kinds.enqueue(tx, 'test.count', { n: 1 }, { clock });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await database.db.select().from(jobs)).toEqual([]);

    const { id } = await database.db.transaction((tx) => kinds.enqueue(tx, 'test.count', { n: 2 }, { clock }));
    const row = await jobRow(database.db, id!);
    expect(row).toMatchObject({ kind: 'test.count', payload: { n: 2 }, state: 'queued', attempts: 0, maxAttempts: 10, orgId: null });
    expect(new Date(row!.createdAt).toISOString()).toBe('2031-02-28T23:59:00.000Z');
    expect(new Date(row!.runAt).toISOString()).toBe('2031-02-28T23:59:00.000Z');
  });

  it('refuses a payload that does not match its kind, before anything is written', async ({ database, clock }) => {
    // @ts-expect-error the payload type is checked at compile time too
    await expect(kinds.enqueue(database.db, 'test.count', { n: 'one' }, { clock })).rejects.toThrow();
    expect(await database.db.select().from(jobs)).toEqual([]);
  });

  it('a unique key is one job per organization, and one among system jobs', async ({ database, clock }) => {
    const orgA = await createOrganization({ db: database.db, clock }, { name: 'Jobs A' });
    const orgB = await createOrganization({ db: database.db, clock }, { name: 'Jobs B' });
    const results = [
      await kinds.enqueue(database.db, 'test.count', { n: 1 }, { clock, uniqueKey: 'k' }),
      await kinds.enqueue(database.db, 'test.count', { n: 2 }, { clock, uniqueKey: 'k' }),
      await kinds.enqueue(database.db, 'test.count', { n: 3 }, { clock, uniqueKey: 'k', orgId: orgA.id }),
      await kinds.enqueue(database.db, 'test.count', { n: 4 }, { clock, uniqueKey: 'k', orgId: orgA.id }),
      await kinds.enqueue(database.db, 'test.count', { n: 5 }, { clock, uniqueKey: 'k', orgId: orgB.id }),
      await kinds.enqueue(database.db, 'test.count', { n: 6 }, { clock }),
      await kinds.enqueue(database.db, 'test.count', { n: 7 }, { clock }),
    ];
    expect(results.map((r) => r.created)).toEqual([true, false, true, false, true, true, true]);
    expect(results[1]!.id).toBeUndefined();
  });

  it("the app's registry types its kinds: the housekeeping job", async ({ database, clock }) => {
    expect(jobRegistry.definitions.map((d) => d.kind)).toContain('jobs.prune-finished');
    const { created } = await enqueue(database.db, 'jobs.prune-finished', { olderThanDays: 30 }, { clock });
    expect(created).toBe(true);
  });
});

describe('running', () => {
  it('runs a due job once, leaves a later one until the clock reaches it, and stamps finishedAt from the clock', async ({ database, clock, recorder }) => {
    const runner = testRunner(database.db, clock, recorder);
    const due = await kinds.enqueue(database.db, 'test.count', { n: 1 }, { clock });
    const later = await kinds.enqueue(database.db, 'test.count', { n: 2 }, { clock, runAt: new Date('2031-03-01T00:30:00Z') });
    expect(await runner.runOnce()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(await runner.runOnce()).toMatchObject({ claimed: 0 });
    expect(recorder.runs).toEqual(new Map([[due.id!, 1]]));
    const done = await jobRow(database.db, due.id!);
    expect(done).toMatchObject({ state: 'succeeded', attempts: 1, lockedBy: null, lockedUntil: null });
    expect(new Date(done!.finishedAt!).toISOString()).toBe('2031-02-28T23:59:00.000Z');

    clock.set('2031-03-01T00:30:00Z');
    expect(await runner.runOnce()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(recorder.runs.get(later.id!)).toBe(1);
  });

  it('retries a failing job with exponential backoff, then keeps it as dead with its last error', async ({ database, clock, recorder }) => {
    const runner = testRunner(database.db, clock, recorder);
    const { id } = await kinds.enqueue(database.db, 'test.fail', { reason: 'provider down' }, { clock });
    const start = clock.now().getTime();

    expect(await runner.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    let row = await jobRow(database.db, id!);
    expect(row).toMatchObject({ state: 'queued', attempts: 1, lastError: 'provider down (attempt 1)' });
    expect(new Date(row!.runAt).getTime() - start).toBe(1_000); // base step
    clock.advance(999);
    expect(await runner.runOnce()).toMatchObject({ claimed: 0 }); // not before its time
    clock.advance(1);
    expect(await runner.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    row = await jobRow(database.db, id!);
    expect(new Date(row!.runAt).getTime() - clock.now().getTime()).toBe(2_000); // doubled

    clock.advance(2_000);
    expect(await runner.runOnce()).toMatchObject({ claimed: 1, dead: 1 }); // maxAttempts 3
    row = await jobRow(database.db, id!);
    expect(row).toMatchObject({ state: 'dead', attempts: 3, lastError: 'provider down (attempt 3)', lockedBy: null });
    expect(row!.finishedAt).not.toBeNull();
    clock.advance({ days: 1 });
    expect(await runner.runOnce()).toMatchObject({ claimed: 0 }); // dead stays dead
    expect(recorder.runs.get(id!)).toBe(3);
  });

  it('backoff: doubles per attempt up to its maximum, with up to half of each step as jitter', () => {
    const options = { baseMs: 1_000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffMs(n, options, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect([1, 2, 3].map((n) => backoffMs(n, options, () => 0))).toEqual([500, 1_000, 2_000]);
  });

  it('a payload that no longer parses makes the job dead at once; an unknown kind is retried (a newer deploy may know it)', async ({ database, clock, recorder }) => {
    const runner = testRunner(database.db, clock, recorder);
    const now = clock.now().toISOString();
    const base = { maxAttempts: 5, runAt: now, createdAt: now, updatedAt: now };
    const [bad, unknown] = await database.db
      .insert(jobs)
      .values([
        { ...base, kind: 'test.count', payload: { n: 'x' } },
        { ...base, kind: 'test.from-the-future', payload: {} },
      ])
      .returning();
    expect(await runner.runOnce()).toMatchObject({ claimed: 2, dead: 1, retried: 1 });
    expect(await jobRow(database.db, bad!.id)).toMatchObject({ state: 'dead', lastError: expect.stringContaining('payload does not match test.count: n ') });
    expect(await jobRow(database.db, unknown!.id)).toMatchObject({ state: 'queued', lastError: 'unknown job kind test.from-the-future' });
  });
});

describe('leases', () => {
  it("a worker that died mid-job (its lease left behind) loses nothing: the job runs again once the lease is over", async ({ database, clock, recorder }) => {
    const runner = testRunner(database.db, clock, recorder);
    const now = clock.now();
    const [ghost] = await database.db
      .insert(jobs)
      .values({
        kind: 'test.count',
        payload: { n: 1 },
        state: 'running',
        attempts: 1,
        maxAttempts: 5,
        runAt: now.toISOString(),
        lockedBy: 'crashed-host:1234:abcdef',
        lockedUntil: new Date(now.getTime() + 30_000).toISOString(),
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      })
      .returning();
    expect(await runner.runOnce()).toMatchObject({ recovered: 0, claimed: 0 }); // its lease still holds
    clock.advance(30_000);
    expect(await runner.runOnce()).toMatchObject({ recovered: 1, claimed: 1, succeeded: 1 });
    expect(recorder.runs.get(ghost!.id)).toBe(1);
    expect(await jobRow(database.db, ghost!.id)).toMatchObject({
      state: 'succeeded',
      attempts: 2,
      lastError: 'lease expired: the worker crashed-host:1234:abcdef stopped while running it',
    });
  });

  it('a lease lost mid-run: another runner takes the job over, and the slow first run cannot overwrite its outcome', async ({ database, clock, recorder }) => {
    const slow = testRunner(database.db, clock, recorder, { workerId: 'slow' });
    const other = testRunner(database.db, clock, recorder, { workerId: 'other' });
    const { id } = await kinds.enqueue(database.db, 'test.block', {}, { clock, maxAttempts: 1 });
    const first = slow.runOnce();
    await vitestWaitFor(() => recorder.blocked.length === 1);
    clock.advance(30_000);
    const second = other.runOnce();
    // Out of attempts when its lease expired: kept as dead rather than run a second time.
    await expect(second).resolves.toMatchObject({ recovered: 1, dead: 1, claimed: 0 });
    recorder.blocked[0]!();
    await expect(first).resolves.toMatchObject({ claimed: 1, succeeded: 0 });
    expect(await jobRow(database.db, id!)).toMatchObject({ state: 'dead', attempts: 1, lockedBy: null });
  });

  it('stop(deadline) releases a job still running at the deadline, without counting the attempt', async ({ database, clock, recorder }) => {
    const runner = testRunner(database.db, clock, recorder, { workerId: 'stopping' });
    const { id } = await kinds.enqueue(database.db, 'test.block', {}, { clock });
    const round = runner.runOnce();
    await vitestWaitFor(() => recorder.blocked.length === 1);
    expect(await jobRow(database.db, id!)).toMatchObject({ state: 'running', attempts: 1, lockedBy: 'stopping' });
    await runner.stop(Date.now() + 50);
    expect(await jobRow(database.db, id!)).toMatchObject({ state: 'queued', attempts: 0, lockedBy: null, lockedUntil: null });
    recorder.blocked[0]!(); // the handler ends after all: its outcome is not written over the release
    await round;
    expect(await jobRow(database.db, id!)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('stop(deadline) lets a job that finishes in time finish', async ({ database, clock, recorder }) => {
    const runner = testRunner(database.db, clock, recorder);
    const { id } = await kinds.enqueue(database.db, 'test.block', {}, { clock });
    const round = runner.runOnce();
    await vitestWaitFor(() => recorder.blocked.length === 1);
    const stopped = runner.stop(Date.now() + 10_000);
    recorder.blocked[0]!();
    await stopped;
    await round;
    expect(await jobRow(database.db, id!)).toMatchObject({ state: 'succeeded', attempts: 1 });
  });
});

describe('periodic jobs', () => {
  it('two runners enqueue one job per period (the unique key kind:periodStart), and it runs once', async ({ database, clock, recorder }) => {
    const one = testRunner(database.db, clock, recorder, { periodic: true });
    const two = testRunner(database.db, clock, recorder, { periodic: true });
    const rounds = await Promise.all([one.runOnce(), two.runOnce(), one.runOnce()]);
    expect(rounds.reduce((sum, r) => sum + r.periodic, 0)).toBe(1);
    const periodic = () => database.db.select().from(jobs).where(and(eq(jobs.kind, 'test.every-minute'), isNull(jobs.orgId))).orderBy(jobs.runAt);
    let rows = await periodic();
    expect(rows.map((r) => [r.uniqueKey, r.state])).toEqual([['test.every-minute:2031-02-28T23:59:00.000Z', 'succeeded']]);

    clock.advance({ seconds: 30 }); // same period: nothing new
    await Promise.all([one.runOnce(), two.runOnce()]);
    expect(await periodic()).toHaveLength(1);

    clock.advance({ seconds: 30 }); // 2031-03-01T00:00:00Z: the next period
    const next = await Promise.all([two.runOnce(), one.runOnce()]);
    expect(next.reduce((sum, r) => sum + r.periodic, 0)).toBe(1);
    rows = await periodic();
    expect(rows.map((r) => r.uniqueKey)).toEqual(['test.every-minute:2031-02-28T23:59:00.000Z', 'test.every-minute:2031-03-01T00:00:00.000Z']);
    expect(new Date(rows[1]!.runAt).toISOString()).toBe('2031-03-01T00:00:00.000Z');
    expect([...recorder.runs.values()]).toEqual([1, 1]);
  });

  it('the hourly housekeeping job deletes succeeded jobs older than 7 days and keeps dead ones', async ({ database, clock }) => {
    const runner = createJobRunner({ db: database.db, clock, logger: silent, registry: jobRegistry, heartbeat: false });
    const old = new Date(clock.now().getTime() - 8 * 86_400_000).toISOString();
    const recent = new Date(clock.now().getTime() - 6 * 86_400_000).toISOString();
    const row = (state: 'succeeded' | 'dead', finishedAt: string) => ({
      kind: 'test.count',
      payload: {},
      state,
      maxAttempts: 1,
      runAt: finishedAt,
      createdAt: finishedAt,
      updatedAt: finishedAt,
      finishedAt,
    });
    await database.db.insert(jobs).values([row('succeeded', old), row('succeeded', recent), row('dead', old)]);
    // Every periodic kind of the app is enqueued and runs (housekeeping, the SLA watcher, ...).
    const periodicKinds = jobRegistry.definitions.filter((d) => d.every).length;
    expect(await runner.runOnce()).toMatchObject({ periodic: periodicKinds, claimed: periodicKinds, succeeded: periodicKinds });
    const left = await database.db.select({ state: jobs.state, finishedAt: jobs.finishedAt, kind: jobs.kind }).from(jobs);
    expect(left.filter((r) => r.kind === 'test.count').map((r) => [r.state, new Date(r.finishedAt!).toISOString()]).sort()).toEqual(
      [
        ['dead', new Date(old).toISOString()],
        ['succeeded', new Date(recent).toISOString()],
      ].sort(),
    );
  });
});

describe('many jobs, one runner', () => {
  it('1,000 jobs each run exactly once', { timeout: 120_000 }, async ({ database, clock, recorder }) => {
    const runner = testRunner(database.db, clock, recorder, { batchSize: 50 });
    await database.db.transaction(async (tx) => {
      for (let n = 0; n < 1_000; n++) await kinds.enqueue(tx, 'test.count', { n }, { clock });
    });
    const started = performance.now();
    while ((await runner.runOnce()).claimed > 0);
    const ms = performance.now() - started;
    console.info(`[jobs] one runner, 1,000 jobs: ${Math.round(ms)} ms (${Math.round(1_000_000 / ms)} jobs/s)`);
    expect(recorder.runs.size).toBe(1_000);
    expect([...recorder.runs.values()].every((runs) => runs === 1)).toBe(true);
  });
});

/** Waits for a handler to have started (it runs on the database's schedule, not the clock's). */
const vitestWaitFor = (condition: () => boolean) => vi.waitFor(() => expect(condition()).toBe(true), { timeout: 10_000, interval: 5 });
