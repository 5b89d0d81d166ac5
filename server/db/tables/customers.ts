import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './organizations.ts';

export const customerTiers = ['A', 'B', 'C'] as const;
export const tierSources = ['manual', 'computed'] as const;
export const lifecycleStages = [
  'prospect',
  'undecided',
  'active',
  'dissatisfied',
  'lapsed',
  'competitor_customer',
] as const;
export const specialNeeds = ['elderly', 'pregnant', 'disabled', 'child', 'other'] as const;
export const identityChannels = ['email', 'phone', 'sms', 'wechat', 'qq', 'web', 'external'] as const;

export const customerTier = pgEnum('customer_tier', customerTiers);
export const tierSource = pgEnum('tier_source', tierSources);
export const lifecycleStage = pgEnum('lifecycle_stage', lifecycleStages);
export const identityChannel = pgEnum('identity_channel', identityChannels);

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
};

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    externalId: text('external_id'),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    birthday: date('birthday', { mode: 'string' }),
    locale: text('locale'),
    gender: text('gender'),
    tier: customerTier('tier'),
    tierSource: tierSource('tier_source'),
    lifecycleStage: lifecycleStage('lifecycle_stage').notNull().default('prospect'),
    specialNeeds: text('special_needs').array().notNull().default(sql`'{}'::text[]`),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    /** IANA time zone; null means the organization's. */
    timeZone: text('time_zone'),
    /** Channels the customer allows care to use; null means any. */
    contactChannels: text('contact_channels').array(),
    /** Opted out of care messages: plans schedule nothing for them. */
    careOptedOutAt: timestamp('care_opted_out_at', { withTimezone: true, mode: 'string' }),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    /** Set by the right to erasure: the row stays as an anonymous stub so statistics stay true. */
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'string' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('customers_org_external_id_key').on(t.orgId, t.externalId),
    index('customers_org_created_idx').on(t.orgId, t.createdAt, t.id),
    index('customers_org_tier_idx').on(t.orgId, t.tier),
    index('customers_org_stage_idx').on(t.orgId, t.lifecycleStage),
  ],
);

/** A channel handle (email, phone, WeChat id…) that belongs to one customer of the org. */
export const customerIdentities = pgTable(
  'customer_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    channel: identityChannel('channel').notNull(),
    /** Normalized (emails lower-cased, phones without spaces or punctuation) so look-ups match. */
    value: text('value').notNull(),
    verified: boolean('verified').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [
    uniqueIndex('customer_identities_org_channel_value_key').on(t.orgId, t.channel, t.value),
    index('customer_identities_org_customer_idx').on(t.orgId, t.customerId, t.createdAt),
  ],
);

/** A product bought: when, why, and what was promised, which care later follows up on. */
export const purchases = pgTable(
  'purchases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    product: text('product').notNull(),
    purchasedAt: timestamp('purchased_at', { withTimezone: true, mode: 'string' }).notNull(),
    reason: text('reason'),
    promises: text('promises').array().notNull().default(sql`'{}'::text[]`),
    value: numeric('value', { precision: 14, scale: 2, mode: 'number' }).notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [index('purchases_org_customer_idx').on(t.orgId, t.customerId, t.purchasedAt)],
);
