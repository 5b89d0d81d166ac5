import { index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
/** The lifecycle beyond `new` arrives with the complaints issue; the enum leaves room for it. */
export const complaintStatuses = ['new', 'triaged', 'in_progress', 'awaiting_customer', 'resolved', 'closed', 'reopened'] as const;

export const complaintCategory = pgEnum('complaint_category', complaintCategories);
export const complaintStatus = pgEnum('complaint_status', complaintStatuses);

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
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [
    uniqueIndex('complaints_org_reference_key').on(t.orgId, t.reference),
    uniqueIndex('complaints_org_site_idempotency_key').on(t.orgId, t.siteId, t.idempotencyKey),
    index('complaints_org_created_idx').on(t.orgId, t.createdAt, t.id),
    index('complaints_org_customer_idx').on(t.orgId, t.customerId, t.createdAt),
    index('complaints_org_status_idx').on(t.orgId, t.status, t.createdAt),
  ],
);
