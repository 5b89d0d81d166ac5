import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.ts';

/** A website where widgets are embedded, with its publishable key and allowed origins. */
export const sites = pgTable(
  'sites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** `pk_…`: public, goes in the page. */
    publishableKey: text('publishable_key').notNull(),
    /**
     * Signs customer tokens (HS256), so it must be readable to verify them: kept as given, shown
     * to people once (at creation and rotation), never returned by a query.
     */
    identitySecret: text('identity_secret').notNull(),
    /** Exact origins (`https://shop.example.com`) or one-label wildcards (`https://*.example.com`). */
    allowedOrigins: text('allowed_origins').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
    keysRotatedAt: timestamp('keys_rotated_at', { withTimezone: true, mode: 'string' }),
    /** The company's page that shows a complaint's progress, with `{reference}` and `{code}` placeholders. */
    trackingPageUrl: text('tracking_page_url'),
  },
  (t) => [
    // Looked up by key before the org is known: the one site index that cannot lead with org_id.
    uniqueIndex('sites_publishable_key_key').on(t.publishableKey),
    index('sites_org_created_idx').on(t.orgId, t.createdAt),
  ],
);

/** Here rather than in the sites service: auth resolves widget callers to it, and auth imports no domain. */
export type SiteRow = typeof sites.$inferSelect;
