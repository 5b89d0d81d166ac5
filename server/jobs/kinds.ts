/**
 * Every job kind the app runs, in one typed list: `enqueue(tx, kind, payload, options)` accepts
 * only these kinds with their payload types. Domains add theirs here (the complaint SLA watcher
 * and the care scheduler are next).
 */
import { careRunPlans } from '../care-plans/scheduler/run-plans.job.ts';
import { slaWatch } from '../complaints/sla/sla-watch.job.ts';
import { pruneFinishedJobs } from './housekeeping.job.ts';
import { createJobRegistry } from './registry.ts';

export const jobRegistry = createJobRegistry([pruneFinishedJobs, slaWatch, careRunPlans]);

/** Enqueues one of the app's jobs in the caller's transaction: a rollback leaves no job. */
export const enqueue = jobRegistry.enqueue;
