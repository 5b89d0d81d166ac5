import { builder } from '../builder.ts';
import { orgIdOf } from '../context.ts';
import { jobStates } from '../db/tables/index.ts';
import { enumOf } from '../shared/enums.ts';
import { maxPageSize } from '../shared/limits.ts';

const JobState = enumOf('JobState', jobStates, {
  description: "Where a background job is in its life.",
  values: {
    queued: 'Waiting for its run time (a failed job waiting for its retry is queued too, with its last error).',
    running: 'Claimed by a worker, which holds it until its lease runs out.',
    succeeded: 'Done. Kept for a few days, then pruned.',
    dead: 'Failed as many times as it may; kept with its last error and not run again.',
  },
});

builder.drizzleObject('jobs', {
  name: 'Job',
  description: "A piece of background work done for the organization (e.g. an SLA check). The system's own housekeeping jobs are not listed.",
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The job id (as the CLI shows it).' }),
    kind: t.exposeString('kind', { description: 'What the job does, e.g. `complaints.sla-check`.' }),
    state: t.field({ type: JobState, description: 'Where the job is in its life.', resolve: (job) => job.state }),
    payload: t.field({ type: 'JSON', description: 'What the job was asked to do (its kind defines the shape).', resolve: (job) => job.payload }),
    attempts: t.exposeInt('attempts', { description: 'Runs started so far.' }),
    maxAttempts: t.exposeInt('maxAttempts', { description: 'Runs allowed before the job is dead.' }),
    runAt: t.expose('runAt', { type: 'DateTime', description: 'Not run before this instant: when it was due, or when its next retry is.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last run failed; null when none has.' }),
    leaseExpiresAt: t.expose('lockedUntil', {
      type: 'DateTime',
      nullable: true,
      description: 'While running: when its worker\'s lease ends (another worker takes it over if the first one is gone).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was enqueued.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When its state last changed.' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true, description: 'When it succeeded or died; null before.' }),
  }),
});

builder.queryFields((t) => ({
  jobs: t.drizzleConnection(
    {
      type: 'jobs',
      description:
        "The organization's background jobs, newest first: queued, running, dead (with their last error) and recently succeeded. System jobs (housekeeping, not done for one organization) are not shown: operators see them with `npm run careloop -- jobs list`.",
      authScopes: { admin: true },
      maxSize: maxPageSize,
      args: { state: t.arg({ type: JobState, description: 'Only jobs in this state; every state without it.' }) },
      resolve: (query, _root, args, ctx) =>
        ctx.db.query.jobs.findMany(
          query({
            where: { orgId: orgIdOf(ctx), ...(args.state ? { state: args.state } : {}) },
            orderBy: { createdAt: 'desc', id: 'desc' },
          }),
        ),
    },
    { name: 'JobConnection', description: 'A page of jobs.' },
    { name: 'JobEdge', description: 'A job in a page.' },
  ),
}));
