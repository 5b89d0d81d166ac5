import { index, integer, pgEnum, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { complaints } from './complaints.ts';
import { organizations } from './organizations.ts';

export const slaMetrics = ['first_response', 'next_reply', 'resolution'] as const;
export const slaClockStatuses = ['active', 'paused', 'fulfilled', 'breached', 'cancelled'] as const;
export const slaMetric = pgEnum('sla_metric', slaMetrics);
export const slaClockStatus = pgEnum('sla_clock_status', slaClockStatuses);

/**
 * One SLA clock of a complaint: a target in business seconds, the time used so far, and where it
 * stands. A next-reply clock starts again at each unanswered customer reply, so a complaint can
 * have several rows per metric over its life (one running at most). Times come from the clock of
 * the request or job; `dueAt`/`warnAt` are null while paused.
 */
export const slaClocks = pgTable(
  'sla_clocks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    complaintId: uuid('complaint_id')
      .notNull()
      .references(() => complaints.id, { onDelete: 'cascade' }),
    metric: slaMetric('metric').notNull(),
    status: slaClockStatus('status').notNull(),
    targetBusinessSeconds: integer('target_business_seconds').notNull(),
    /** Business seconds used up to `runningSince` (or to the pause). */
    usedBusinessSeconds: integer('used_business_seconds').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'string' }).notNull(),
    /** Since when it runs again (its start, or its last resume); null while paused or finished. */
    runningSince: timestamp('running_since', { withTimezone: true, mode: 'string' }),
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'string' }),
    /** When 80% of the target is used: the periodic job warns from here. */
    warnAt: timestamp('warn_at', { withTimezone: true, mode: 'string' }),
    pausedAt: timestamp('paused_at', { withTimezone: true, mode: 'string' }),
    warnedAt: timestamp('warned_at', { withTimezone: true, mode: 'string' }),
    breachedAt: timestamp('breached_at', { withTimezone: true, mode: 'string' }),
    fulfilledAt: timestamp('fulfilled_at', { withTimezone: true, mode: 'string' }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
    index('sla_clocks_org_complaint_idx').on(t.orgId, t.complaintId, t.metric, t.startedAt),
    // The periodic job's scans, across organizations: running clocks by the instant they warn or breach.
    index('sla_clocks_running_due_idx').on(t.dueAt).where(sql`running_since is not null and breached_at is null`),
    index('sla_clocks_running_warn_idx').on(t.warnAt).where(sql`running_since is not null and warned_at is null`),
  ],
);
