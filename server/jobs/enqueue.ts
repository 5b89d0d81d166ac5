import type { Clock } from '../clock/clock.ts';
import type { Executor } from '../db/transaction.ts';
import { jobs } from '../db/tables/index.ts';

export interface EnqueueOptions {
  /** Stamps created_at and is the default runAt: the caller's (request's or job's) clock. */
  clock: Clock;
  /** The organization the job works for; omitted for system jobs. */
  orgId?: string | null;
  /** Not before this instant; default now. */
  runAt?: Date;
  /** A second enqueue with the same key (per organization, or among system jobs) is a no-op. */
  uniqueKey?: string;
  /** Runs before the job is dead; the kind's default, else 10. */
  maxAttempts?: number;
}

export interface Enqueued {
  /** The new job's id; undefined when a job with the same uniqueKey already existed. */
  id: string | undefined;
  created: boolean;
}

/**
 * One insert in the caller's transaction, so the job exists exactly when the change that asked
 * for it commits. Unchecked: callers go through a registry's typed enqueue.
 */
export async function enqueueJob(tx: Executor, kind: string, payload: unknown, options: EnqueueOptions): Promise<Enqueued> {
  const now = options.clock.now();
  const maxAttempts = options.maxAttempts ?? 10;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a positive integer');
  const [row] = await tx
    .insert(jobs)
    .values({
      orgId: options.orgId ?? null,
      kind,
      payload: payload ?? {},
      maxAttempts,
      runAt: (options.runAt ?? now).toISOString(),
      uniqueKey: options.uniqueKey ?? null,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    })
    // No target: either unique index (a tenant's keys, or the system jobs' keys) may be the one.
    .onConflictDoNothing()
    .returning({ id: jobs.id });
  return { id: row?.id, created: row !== undefined };
}
