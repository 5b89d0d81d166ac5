import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.ts';

/**
 * queued: waits for its run_at (a retry waits here too, with its last error);
 * running: claimed by a worker until locked_until (its lease); succeeded; dead: failed
 * max_attempts times, kept with its last error for an admin to read.
 */
export const jobStates = ['queued', 'running', 'succeeded', 'dead'] as const;
export type JobState = (typeof jobStates)[number];
export const jobState = pgEnum('job_state', jobStates);

/**
 * Background work (server/jobs/). A queue the runner reads across tenants: org_id is null for
 * system jobs (housekeeping, periodic schedules) and names the tenant a job works for otherwise,
 * so an admin sees their organization's jobs. The claim and lease indexes cannot lead with
 * org_id — the runner looks for due work before it knows whose it is (as api_keys' hash index);
 * every index a tenant reads through leads with it. On a sharded (Citus) setup this table stays
 * on the coordinator: it holds work in flight, not tenant data.
 * Every time here comes from the Clock (enqueue's and the runner's), never from now().
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    state: jobState('state').notNull().default('queued'),
    /** Runs started so far (a claim counts one; a release at shutdown gives it back). */
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    /** Not before: the enqueue's runAt, or when the next retry is due. */
    runAt: timestamp('run_at', { withTimezone: true, mode: 'string' }).notNull(),
    /** At most one job per key and organization (periodic jobs: `kind:periodStart`). */
    uniqueKey: text('unique_key'),
    /** The worker holding the lease (host:pid:random), while running. */
    lockedBy: text('locked_by'),
    /** The lease: past this instant another worker may take the job over. */
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'string' }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
    // One key space per organization, and one for system jobs (org_id null, which a plain
    // unique index would treat as all distinct). enqueue's ON CONFLICT DO NOTHING names neither.
    uniqueIndex('jobs_org_unique_key').on(t.orgId, t.uniqueKey).where(sql`org_id is not null`),
    uniqueIndex('jobs_system_unique_key').on(t.uniqueKey).where(sql`org_id is null`),
    index('jobs_org_state_created_idx').on(t.orgId, t.state, t.createdAt, t.id),
    index('jobs_due_idx').on(t.runAt).where(sql`state = 'queued'`),
    index('jobs_lease_idx').on(t.lockedUntil).where(sql`state = 'running'`),
    index('jobs_finished_idx').on(t.finishedAt).where(sql`state = 'succeeded'`),
  ],
);
