import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { jobs, organizations, type JobState } from '../db/tables/index.ts';

export type JobRow = typeof jobs.$inferSelect;

export interface JobListing {
  /** undefined: every organization and the system jobs (the CLI); null: system jobs only. */
  orgId?: string | null;
  /** Default: what needs an eye — queued, running and dead (succeeded jobs are pruned anyway). */
  states?: readonly JobState[];
  limit?: number;
}

/** For an operator (`careloop jobs list`): newest first, with the organization's slug. */
export async function listJobs(db: Database, { orgId, states = ['queued', 'running', 'dead'], limit = 100 }: JobListing = {}) {
  return db
    .select({ job: jobs, orgSlug: organizations.slug })
    .from(jobs)
    .leftJoin(organizations, eq(organizations.id, jobs.orgId))
    .where(and(inArray(jobs.state, [...states]), orgId === undefined ? undefined : orgId === null ? isNull(jobs.orgId) : eq(jobs.orgId, orgId)))
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(limit);
}
