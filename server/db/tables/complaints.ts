import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agents, teams } from './care-team.ts';
import { eventVisibility } from './events.ts';
import { customers } from './customers.ts';
import type { SubmissionContext } from './feedback.ts';
import { organizations } from './organizations.ts';
import { sites } from './sites.ts';

export const complaintCategories = [
  'product_quality',
  'packaging',
  'defect',
  'misuse',
  'service_attitude',
  'service_process',
  'delivery',
  'billing',
  'other',
] as const;
/**
 * new → acknowledged → in_progress ⇄ awaiting_customer → resolved → closed; resolved or closed →
 * reopened → in_progress. The legal moves are in server/complaints/lifecycle.
 */
export const complaintStatuses = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'resolved', 'closed', 'reopened'] as const;
export const complaintSeverities = ['low', 'medium', 'high', 'critical'] as const;
/** How the complainant behaves (triage): irate and activist ones escalate. */
export const complainantTypes = ['passive', 'voicer', 'irate', 'activist'] as const;

export const complaintCategory = pgEnum('complaint_category', complaintCategories);
export const complaintStatus = pgEnum('complaint_status', complaintStatuses);
export const complaintSeverity = pgEnum('complaint_severity', complaintSeverities);
export const complainantType = pgEnum('complainant_type', complainantTypes);

export interface ComplaintContact {
  name?: string;
  email?: string;
  phone?: string;
}

export const complaints = pgTable(
  'complaints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    siteId: uuid('site_id').references(() => sites.id, { onDelete: 'set null' }),
    /** Public, short and unambiguous: `C-7K2M-9QXD`. */
    reference: text('reference').notNull(),
    /** The customer's tracking token, hashed; the token itself is shown once. */
    trackingTokenHash: text('tracking_token_hash').notNull(),
    status: complaintStatus('status').notNull().default('new'),
    category: complaintCategory('category').notNull(),
    description: text('description').notNull(),
    desiredOutcome: text('desired_outcome'),
    contact: jsonb('contact').$type<ComplaintContact>(),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    context: jsonb('context').$type<SubmissionContext>(),
    locale: text('locale'),
    idempotencyKey: uuid('idempotency_key'),
    payloadHash: text('payload_hash'),
    /** Medium until triage says otherwise: the SLA targets follow it. */
    severity: complaintSeverity('severity').notNull().default('medium'),
    complainantType: complainantType('complainant_type'),
    assigneeId: uuid('assignee_id').references(() => agents.id, { onDelete: 'set null' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    escalated: boolean('escalated').notNull().default(false),
    escalatedAt: timestamp('escalated_at', { withTimezone: true, mode: 'string' }),
    /** Moves from one agent or team to another after the first assignment. */
    transferCount: integer('transfer_count').notNull().default(0),
    reopenCount: integer('reopen_count').notNull().default(0),
    /** How many assignments it has had (the desks it passed). */
    assigneeStations: integer('assignee_stations').notNull().default(0),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true, mode: 'string' }),
    firstResponseAt: timestamp('first_response_at', { withTimezone: true, mode: 'string' }),
    firstResolvedAt: timestamp('first_resolved_at', { withTimezone: true, mode: 'string' }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'string' }),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'string' }),
    /** Set on closing (org setting, default 3 days later): when care should follow up. */
    followUpDueAt: timestamp('follow_up_due_at', { withTimezone: true, mode: 'string' }),
    /** The earliest due time of its active SLA clocks (null when none runs): the inbox sorts by it. */
    nextDueAt: timestamp('next_due_at', { withTimezone: true, mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [
    uniqueIndex('complaints_org_reference_key').on(t.orgId, t.reference),
    uniqueIndex('complaints_org_site_idempotency_key').on(t.orgId, t.siteId, t.idempotencyKey),
    index('complaints_org_created_idx').on(t.orgId, t.createdAt, t.id),
    index('complaints_org_customer_idx').on(t.orgId, t.customerId, t.createdAt),
    index('complaints_org_status_idx').on(t.orgId, t.status, t.createdAt),
    // The inbox (complaints(filter: { open: true }, orderBy: NEXT_DUE_AT)): open complaints in the
    // order they burn, nulls last, read from the index a page at a time (server/complaints/inbox).
    index('complaints_org_open_due_idx')
      .on(t.orgId, sql`coalesce(${t.nextDueAt}, 'infinity'::timestamptz)`, t.createdAt, t.id)
      .where(sql`${t.status} not in ('resolved', 'closed')`),
  ],
);

export const complaintMessageKinds = ['note', 'info_request', 'reply', 'resolution', 'reopen_reason', 'confirmation_comment'] as const;
export const complaintMessageAuthors = ['agent', 'customer', 'system'] as const;
export const complaintMessageKind = pgEnum('complaint_message_kind', complaintMessageKinds);
export const complaintMessageAuthor = pgEnum('complaint_message_author', complaintMessageAuthors);

/**
 * The words of a complaint's conversation: notes, requests for information, the customer's
 * replies, the resolution. Events hold ids only (no personal data), so a message event carries
 * the message's id and the text lives here, where erasure can reach it.
 */
export const complaintMessages = pgTable(
  'complaint_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    complaintId: uuid('complaint_id')
      .notNull()
      .references(() => complaints.id, { onDelete: 'cascade' }),
    kind: complaintMessageKind('kind').notNull(),
    authorType: complaintMessageAuthor('author_type').notNull(),
    agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    /** public: on the customer's timeline; internal: staff only. */
    visibility: eventVisibility('visibility').notNull(),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    /**
     * The order messages were written in: several written by one change share its instant (a
     * confirmation's comment and reason), and ids are random, so the conversation orders by this.
     */
    position: bigint('position', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
  },
  (t) => [index('complaint_messages_org_complaint_idx').on(t.orgId, t.complaintId, t.position)],
);
