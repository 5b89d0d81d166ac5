import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { agents, teams } from './care-team.ts';
import { complaints } from './complaints.ts';
import { customers, purchases } from './customers.ts';
import { feedback } from './feedback.ts';
import { organizations } from './organizations.ts';

export const touchpointChannels = [
  'phone',
  'sms',
  'email',
  'wechat',
  'qq',
  'web',
  'widget',
  'in_person',
  'onsite_visit',
  'call_center',
  'mail',
  'other',
] as const;
export const touchpointDirections = ['inbound', 'outbound'] as const;
export const touchpointStages = ['pre_sale', 'in_sale', 'after_sale'] as const;
export const touchpointKinds = [
  'follow_up',
  'greeting_birthday',
  'greeting_holiday',
  'service_visit',
  'consultation',
  'offer',
  'complaint_contact',
  'survey',
  'other',
] as const;
export const touchpointStatuses = ['scheduled', 'done', 'missed', 'cancelled'] as const;
export const touchpointSentiments = ['positive', 'neutral', 'negative'] as const;

export const touchpointChannel = pgEnum('touchpoint_channel', touchpointChannels);
export const touchpointDirection = pgEnum('touchpoint_direction', touchpointDirections);
export const touchpointStage = pgEnum('touchpoint_stage', touchpointStages);
export const touchpointKind = pgEnum('touchpoint_kind', touchpointKinds);
export const touchpointStatus = pgEnum('touchpoint_status', touchpointStatuses);
export const touchpointSentiment = pgEnum('touchpoint_sentiment', touchpointSentiments);

/**
 * One interaction with a customer, on any channel, logged after the fact (status done) or
 * scheduled ahead by a person or a care plan. `occurredAt` is when it happened (told by the
 * caller), `recordedAt` when careloop wrote it (the clock). A plan's occurrence links here through
 * `planOccurrenceId` (set when the scheduler creates it).
 */
export const touchpoints = pgTable(
  'touchpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    channel: touchpointChannel('channel').notNull(),
    direction: touchpointDirection('direction').notNull(),
    stage: touchpointStage('stage'),
    kind: touchpointKind('kind').notNull(),
    status: touchpointStatus('status').notNull(),
    scheduledFor: timestamp('scheduled_for', { withTimezone: true, mode: 'string' }),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'string' }),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'string' }).notNull(),
    durationSeconds: integer('duration_seconds'),
    agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    summary: text('summary'),
    outcome: text('outcome'),
    sentiment: touchpointSentiment('sentiment'),
    /** The peak and the end of the experience shape how it is remembered (peak-end rule). */
    isPeak: boolean('is_peak').notNull().default(false),
    isEnd: boolean('is_end').notNull().default(false),
    /** Sent by a plan without a person: does not reset the customer's silence clock. */
    automated: boolean('automated').notNull().default(false),
    /** An automated plan's message, rendered in the customer's locale, for the company's systems to deliver. */
    message: text('message'),
    messageLocale: text('message_locale'),
    complaintId: uuid('complaint_id').references(() => complaints.id, { onDelete: 'set null' }),
    feedbackId: uuid('feedback_id').references(() => feedback.id, { onDelete: 'set null' }),
    purchaseId: uuid('purchase_id').references(() => purchases.id, { onDelete: 'set null' }),
    planOccurrenceId: uuid('plan_occurrence_id'),
    /** Created by the scheduler after its due time (catch-up after downtime). */
    late: boolean('late').notNull().default(false),
    cancelReason: text('cancel_reason'),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'string' }),
    missedAt: timestamp('missed_at', { withTimezone: true, mode: 'string' }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true, mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [
    index('touchpoints_org_created_idx').on(t.orgId, t.createdAt, t.id),
    // Customer.touchpoints, the timeline and lastContactedAt read a customer's rows by when they happened.
    index('touchpoints_org_customer_idx').on(t.orgId, t.customerId, t.occurredAt, t.id),
    // Customer.timeline orders a customer's touchpoints by this `at` (server/customers/timeline).
    index('touchpoints_org_customer_timeline_idx').on(
      t.orgId,
      t.customerId,
      sql`coalesce(${t.occurredAt}, ${t.scheduledFor}, ${t.recordedAt})`,
      t.id,
    ),
    // touchpoints(filter: { status: SCHEDULED, dueBefore }): the work that is due, oldest first.
    index('touchpoints_org_scheduled_idx').on(t.orgId, t.scheduledFor, t.id).where(sql`${t.status} = 'scheduled'`),
    // agenda(agentId, from, to)
    index('touchpoints_org_agent_scheduled_idx')
      .on(t.orgId, t.agentId, t.scheduledFor, t.id)
      .where(sql`${t.status} = 'scheduled'`),
    index('touchpoints_org_occurrence_idx').on(t.orgId, t.planOccurrenceId),
  ],
);
