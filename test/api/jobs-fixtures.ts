import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../server/clock/clock.ts';
import type { Database } from '../../server/db/client.ts';
import { jobs } from '../../server/db/tables/index.ts';
import { createJobRegistry, defineJob } from '../../server/jobs/registry.ts';
import { createJobRunner, type JobRunnerOptions } from '../../server/jobs/runner.ts';

export const silent = pino({ level: 'silent' });

/** What the test kinds did: runs per job id, and a switch for the failing kind. */
export class Recorder {
  runs = new Map<string, number>();
  /** Resolvers of handlers of the `test.block` kind, in the order they started. */
  blocked: (() => void)[] = [];
  record(id: string): void {
    this.runs.set(id, (this.runs.get(id) ?? 0) + 1);
  }
}

const periodicKind = (recorder: Recorder) =>
  defineJob({
    kind: 'test.every-minute',
    description: 'A periodic kind.',
    payload: z.object({ tag: z.string() }),
    every: 'minute',
    periodicPayload: { tag: 'minute' },
    async handle(_payload, { job }) {
      recorder.record(job.id);
    },
  });

/** The test kinds; `periodic` adds one that runs every minute (off by default, so rounds count only the test's jobs). */
export function testRegistry(recorder: Recorder, periodic = false) {
  return createJobRegistry([
    defineJob({
      kind: 'test.count',
      description: 'Counts its runs.',
      payload: z.object({ n: z.number().int() }),
      async handle(_payload, { job }) {
        recorder.record(job.id);
      },
    }),
    defineJob({
      kind: 'test.fail',
      description: 'Always fails.',
      payload: z.object({ reason: z.string() }),
      maxAttempts: 3,
      async handle({ reason }, { job }) {
        recorder.record(job.id);
        throw new Error(`${reason} (attempt ${job.attempt})`);
      },
    }),
    defineJob({
      kind: 'test.block',
      description: 'Runs until the test lets it finish.',
      payload: z.object({}),
      async handle(_payload, { job }) {
        recorder.record(job.id);
        await new Promise<void>((resolve) => recorder.blocked.push(resolve));
      },
    }),
    ...(periodic ? [periodicKind(recorder)] : []),
  ]);
}

export function testRunner(db: Database, clock: Clock, recorder: Recorder, options: Partial<JobRunnerOptions> & { periodic?: boolean } = {}) {
  return createJobRunner({
    db,
    clock,
    logger: silent,
    registry: testRegistry(recorder, options.periodic),
    leaseMs: 30_000,
    heartbeat: false,
    random: () => 1, // no jitter: each retry waits its full step
    backoff: { baseMs: 1_000, maxMs: 60_000 },
    ...options,
  });
}

export async function jobRow(db: Database, id: string) {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  return row;
}
