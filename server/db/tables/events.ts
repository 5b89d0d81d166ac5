import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.ts';

export const eventVisibilities = ['internal', 'public'] as const;
export const eventVisibility = pgEnum('event_visibility', eventVisibilities);

/**
 * Every change that matters, one row each, append-only: written by server/events/emit.ts in the
 * transaction of the change. The aggregate is soft (no foreign key): a merged customer's or a
 * deleted row's history stays. Payloads hold ids and changed field names, never personal data,
 * so erasure has nothing to rewrite here. org_id leads every index: every read is one tenant's.
 */
export const events = pgTable(
  'events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** A type of server/events/catalogue.ts, e.g. customer.updated. */
    type: text('type').notNull(),
    aggregateType: text('aggregate_type').notNull(),
    aggregateId: uuid('aggregate_id').notNull(),
    /** 1, 2, 3… per aggregate, without gaps: the order of its history. */
    sequence: integer('sequence').notNull(),
    /** From the tenant's clock, like every business timestamp. */
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'string' }).notNull(),
    /** api_key, site or system (later agent). */
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    /** The person the actor (an API key) acted for, when the mutation named one (`actorAgentId`). */
    actingAgentId: uuid('acting_agent_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    visibility: eventVisibility('visibility').notNull(),
  },
  (t) => [
    uniqueIndex('events_org_aggregate_sequence_key').on(t.orgId, t.aggregateType, t.aggregateId, t.sequence),
    index('events_org_occurred_idx').on(t.orgId, t.occurredAt, t.id),
  ],
);

/**
 * The last sequence number handed out per aggregate. Upserted in the writer's transaction, so
 * concurrent writers on one aggregate queue on its row lock and a rolled-back one gives its
 * number back (max(sequence) alone would let two writers read the same max).
 */
export const eventSequences = pgTable(
  'event_sequences',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    aggregateType: text('aggregate_type').notNull(),
    aggregateId: uuid('aggregate_id').notNull(),
    lastSequence: integer('last_sequence').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.aggregateType, t.aggregateId] })],
);
