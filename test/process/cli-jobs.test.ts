import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../server/cli.ts';
import { TestClock } from '../../server/clock/clock.ts';
import { openConfiguredDatabase } from '../../server/db/data-dir-lock.ts';
import { jobs } from '../../server/db/tables/index.ts';
import { readEnv } from '../../server/env.ts';
import { enqueueJob } from '../../server/jobs/enqueue.ts';
import { createOrganization } from '../../server/organizations/organizations.service.ts';
import { createPostgresDatabase, tempDir, type ThrowawayPostgres } from './processes.ts';

// `careloop jobs list`, in process (runCli with its io), on the engine of the run.
const dataDir = tempDir('cli-jobs');
let postgres: ThrowawayPostgres | undefined;
let source: NodeJS.ProcessEnv;
let deadId: string;

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await runCli(args, io, source);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  postgres = await createPostgresDatabase();
  source = { CARELOOP_DATA_DIR: dataDir.dir, LOG_LEVEL: 'silent', ...(postgres ? { DATABASE_URL: postgres.url } : {}) };
  expect((await cli(['migrate'])).code).toBe(0);
  const handle = await openConfiguredDatabase(readEnv(source));
  try {
    const clock = new TestClock('2031-02-28T23:59:00Z');
    const org = await createOrganization({ db: handle.db, clock }, { name: 'Acme', slug: 'acme' });
    await enqueueJob(handle.db, 'care.schedule', { n: 1 }, { clock, orgId: org.id });
    await enqueueJob(handle.db, 'jobs.prune-finished', {}, { clock });
    deadId = (await enqueueJob(handle.db, 'complaints.sla-check', {}, { clock, orgId: org.id })).id!;
    await handle.db
      .update(jobs)
      .set({ state: 'dead', attempts: 10, lastError: 'mail server\nrefused', finishedAt: '2031-03-01T00:00:00Z' })
      .where(eq(jobs.id, deadId));
    const done = (await enqueueJob(handle.db, 'care.schedule', { n: 2 }, { clock, orgId: org.id })).id!;
    await handle.db.update(jobs).set({ state: 'succeeded' }).where(eq(jobs.id, done));
  } finally {
    await handle.close();
  }
}, 120_000);
afterAll(async () => {
  await postgres?.drop();
  dataDir.remove();
});

it('jobs list shows queued, running and dead jobs (not succeeded ones), system jobs as (system)', async () => {
  const { code, out } = await cli(['jobs', 'list']);
  expect(code).toBe(0);
  const lines = out.split('\n').map((line) => line.split('\t'));
  expect(lines.map((l) => [l[1], l[2], l[3]]).sort()).toEqual([
    ['dead', 'complaints.sla-check', 'acme'],
    ['queued', 'care.schedule', 'acme'],
    ['queued', 'jobs.prune-finished', '(system)'],
  ]);
  expect(out).toContain(`${deadId}\tdead\tcomplaints.sla-check\tacme\t10/10\tdied 2031-03-01`);
  expect(out).toContain('\tmail server refused'); // one line per job
});

it('jobs list --dead --json: the dead jobs with their last error, as JSON', async () => {
  const { code, out } = await cli(['jobs', 'list', '--dead', '--json']);
  expect(code).toBe(0);
  const rows = JSON.parse(out) as { id: string; state: string; lastError: string; org: string }[];
  expect(rows).toEqual([expect.objectContaining({ id: deadId, state: 'dead', lastError: 'mail server\nrefused', org: 'acme' })]);
});

it('jobs list --org narrows to one organization; an unknown slug exits 2', async () => {
  const { out } = await cli(['jobs', 'list', '--org', 'acme']);
  expect(out).not.toContain('(system)');
  expect((await cli(['jobs', 'list', '--org', 'nope'])).code).toBe(2);
  expect((await cli(['jobs', 'list', '--bogus'])).code).toBe(2);
});
