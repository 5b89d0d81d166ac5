import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** A tenant. Every other table carries `org_id` and leads its indexes with it. */
export const organizations = pgTable(
  'organizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    /**
     * How complaints are handled: SLA policy, business calendar, follow-up delay. Null or a missing
     * part means the defaults (server/complaints/sla); validated by the service that writes it.
     */
    complaintSettings: jsonb('complaint_settings').$type<Record<string, unknown>>(),
    /** The IANA time zone its dates fall in (birthdays, holidays, insights buckets); a customer may have their own. */
    timeZone: text('time_zone').notNull().default('UTC'),
    /**
     * How care plans behave org-wide: the fatigue cap, the holiday list. Null or a missing part
     * means the defaults (server/care-plans); validated by the service that writes it.
     */
    careSettings: jsonb('care_settings').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [uniqueIndex('organizations_slug_key').on(t.slug)],
);

/** API keys are stored as SHA-256 hashes; the key itself is shown once, at creation. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The first characters of the key, so people can tell keys apart without the secret. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'string' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
    // The hash is looked up before the org is known, so this is the one index that cannot lead with org_id.
    uniqueIndex('api_keys_key_hash_key').on(t.keyHash),
    index('api_keys_org_created_idx').on(t.orgId, t.createdAt),
  ],
);
