import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { complaints } from './complaints.ts';
import { organizations } from './organizations.ts';

/**
 * The customer's widget requests on a complaint (a reply, a confirmation), by idempotency key:
 * a retry of the same request changes nothing and gets the complaint's view again; the same key
 * with another payload is a conflict. Keyed per complaint (the reference and code scope them).
 */
export const complaintCustomerRequests = pgTable(
  'complaint_customer_requests',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    complaintId: uuid('complaint_id')
      .notNull()
      .references(() => complaints.id, { onDelete: 'cascade' }),
    idempotencyKey: uuid('idempotency_key').notNull(),
    /** The canonical hash of the operation and its fields (server/intake/idempotency.ts). */
    payloadHash: text('payload_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.complaintId, t.idempotencyKey] })],
);
