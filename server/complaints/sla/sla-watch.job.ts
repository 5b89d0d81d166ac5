import { and, asc, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { slaClocks } from '../../db/tables/index.ts';
import { emit } from '../../events/emit.ts';
import { defineJob, type JobContext } from '../../jobs/registry.ts';
import { systemTenant } from '../../tenant/tenant.ts';
import { breached } from './clocks.service.ts';

/** Clocks marked per transaction; a run goes on batch after batch until none is left. */
export const SLA_WATCH_BATCH = 200;
const MAX_BATCHES = 50;

type Marked = { id: string; orgId: string; complaintId: string; metric: (typeof slaClocks.$inferSelect)['metric']; dueAt: string | null; breachedAt: string | null };

/**
 * One batch: marks running clocks whose warning (or due) instant has come, and records their
 * events in the same transaction. Exactly once per clock: the claim skips rows another run has
 * locked (FOR UPDATE SKIP LOCKED), and the update only touches rows not yet marked, so a second
 * run, concurrent or later, finds nothing to do.
 */
async function markBatch({ db, clock }: JobContext, kind: 'warning' | 'breach'): Promise<number> {
  const now = clock.now().toISOString();
  return db.transaction(async (tx) => {
    const claim =
      kind === 'warning'
        ? tx
            .select({ id: slaClocks.id })
            .from(slaClocks)
            .where(and(isNotNull(slaClocks.runningSince), isNull(slaClocks.warnedAt), lte(slaClocks.warnAt, now)))
            .orderBy(asc(slaClocks.warnAt))
        : tx
            .select({ id: slaClocks.id })
            .from(slaClocks)
            .where(and(isNotNull(slaClocks.runningSince), isNull(slaClocks.breachedAt), lte(slaClocks.dueAt, now)))
            .orderBy(asc(slaClocks.dueAt));
    const ids = (await claim.limit(SLA_WATCH_BATCH).for('update', { skipLocked: true })).map((r) => r.id);
    if (!ids.length) return 0;
    const columns = {
      id: slaClocks.id,
      orgId: slaClocks.orgId,
      complaintId: slaClocks.complaintId,
      metric: slaClocks.metric,
      dueAt: slaClocks.dueAt,
      breachedAt: slaClocks.breachedAt,
    };
    const marked: Marked[] =
      kind === 'warning'
        ? await tx
            .update(slaClocks)
            .set({ warnedAt: now })
            .where(and(inArray(slaClocks.id, ids), isNull(slaClocks.warnedAt)))
            .returning(columns)
        : await tx
            .update(slaClocks)
            // A breach is dated at the due time, however late the watcher comes.
            .set({ breachedAt: sql`${slaClocks.dueAt}`, status: 'breached' })
            .where(and(inArray(slaClocks.id, ids), isNull(slaClocks.breachedAt)))
            .returning(columns);
    for (const c of marked) {
      const tenant = systemTenant({ db, clock }, c.orgId, 'sla-watch');
      if (kind === 'warning') {
        await emit(tx, tenant, {
          type: 'complaint.sla_warning',
          aggregateId: c.complaintId,
          payload: { clockId: c.id, metric: c.metric, dueAt: new Date(c.dueAt!).toISOString() },
        });
      } else {
        await breached(tx, tenant, { ...c, breachedAt: new Date(c.breachedAt ?? c.dueAt!).toISOString() });
      }
    }
    return marked.length;
  });
}

/**
 * Every minute: warns at 80% of a target and records a breach at its due time, each once per
 * clock; a breach escalates the complaint. Clocks come from every organization (the partial
 * indexes on warn_at and due_at of running clocks serve the scans).
 */
export const slaWatch = defineJob({
  kind: 'complaints.sla-watch',
  description: 'Records SLA warnings (80% of a target) and breaches (due time passed) of running clocks, once per clock; a breach escalates.',
  payload: z.object({}),
  every: 'minute',
  periodicPayload: {},
  maxAttempts: 3,
  async handle(_payload, ctx) {
    let warned = 0;
    let breachedCount = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const w = await markBatch(ctx, 'warning');
      const b = await markBatch(ctx, 'breach');
      warned += w;
      breachedCount += b;
      if (w < SLA_WATCH_BATCH && b < SLA_WATCH_BATCH) break;
    }
    if (warned || breachedCount) ctx.logger.info({ warned, breached: breachedCount }, 'SLA watch');
  },
});
