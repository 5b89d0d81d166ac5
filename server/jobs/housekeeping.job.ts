import { and, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import { jobs } from '../db/tables/index.ts';
import { defineJob } from './registry.ts';

export const FINISHED_JOBS_KEPT_DAYS = 7;

/**
 * Hourly: deletes succeeded jobs finished more than `olderThanDays` ago (dead ones stay until an
 * admin has read them). Keeps the queue's table small; also the periodic path's first user.
 */
export const pruneFinishedJobs = defineJob({
  kind: 'jobs.prune-finished',
  description: `Deletes succeeded jobs finished more than ${FINISHED_JOBS_KEPT_DAYS} days ago; dead jobs are kept.`,
  payload: z.object({ olderThanDays: z.number().int().min(1) }),
  every: 'hour',
  periodicPayload: { olderThanDays: FINISHED_JOBS_KEPT_DAYS },
  maxAttempts: 3,
  async handle({ olderThanDays }, { db, clock, logger }) {
    const before = new Date(clock.now().getTime() - olderThanDays * 86_400_000).toISOString();
    const deleted = await db
      .delete(jobs)
      .where(and(eq(jobs.state, 'succeeded'), lt(jobs.finishedAt, before)))
      .returning({ id: jobs.id });
    if (deleted.length) logger.info({ deleted: deleted.length, before }, 'pruned finished jobs');
  },
});
