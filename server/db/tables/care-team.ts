import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.ts';

/** A group of agents a complaint can be routed to (e.g. "Billing", "Second line"). */
export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [uniqueIndex('teams_org_name_key').on(t.orgId, t.name), index('teams_org_created_idx').on(t.orgId, t.createdAt, t.id)],
);

/**
 * A person of the care team. API keys act for systems; a mutation done by a person names the
 * agent (`actorAgentId`), and the event records both. Deactivated agents keep their history and
 * can no longer be assigned.
 */
export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    /** The name customers may see ("Did Mei help you?"). */
    name: text('name').notNull(),
    /** Lower-case; unique per organization; never shown to customers. */
    email: text('email').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
    uniqueIndex('agents_org_email_key').on(t.orgId, t.email),
    index('agents_org_team_idx').on(t.orgId, t.teamId),
    index('agents_org_created_idx').on(t.orgId, t.createdAt, t.id),
  ],
);
