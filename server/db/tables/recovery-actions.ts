import { check, index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { agents } from './care-team.ts';
import { complaints } from './complaints.ts';
import { organizations } from './organizations.ts';

/** Service recovery, as care practice names it (服务补救): what the company did to put things right. */
export const recoveryActionTypes = ['apology', 'repair', 'replacement', 'refund', 'compensation', 'gift', 'other'] as const;
export const recoveryActionType = pgEnum('recovery_action_type', recoveryActionTypes);

/**
 * One recovery action on a complaint. The description (free text, may name the person) lives
 * here, not in the event, which carries the action's id, type and value only.
 */
export const complaintRecoveryActions = pgTable(
  'complaint_recovery_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    complaintId: uuid('complaint_id')
      .notNull()
      .references(() => complaints.id, { onDelete: 'cascade' }),
    type: recoveryActionType('type').notNull(),
    description: text('description').notNull(),
    /** In the currency's minor unit (cents, fen); null when it has no money value (an apology). */
    valueCents: integer('value_cents'),
    /** ISO 4217, upper case; set exactly when valueCents is. */
    currency: text('currency'),
    /** The agent the mutation named (actorAgentId), if any. */
    agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [
    index('complaint_recovery_actions_org_complaint_idx').on(t.orgId, t.complaintId, t.createdAt),
    check('complaint_recovery_actions_value_currency', sql`(${t.valueCents} is null) = (${t.currency} is null)`),
  ],
);
