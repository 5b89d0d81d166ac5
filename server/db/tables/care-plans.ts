import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agents, teams } from './care-team.ts';
import { customers } from './customers.ts';
import { organizations } from './organizations.ts';
import { touchpoints } from './touchpoints.ts';

export const carePlanTriggerTypes = [
  'birthday',
  'annual_date',
  'after_purchase',
  'after_complaint_closed',
  'every',
  'silence',
] as const;
export const carePlanTriggerType = pgEnum('care_plan_trigger_type', carePlanTriggerTypes);

/**
 * What an occurrence became. `scheduled`: a touchpoint was created (`touchpointId`). `skipped`:
 * held back (the fatigue cap, too late after downtime, a quiet rule). `cancelled`: an exit took
 * the customer out (the reason is kept).
 */
export const carePlanOccurrenceStatuses = ['scheduled', 'skipped', 'cancelled'] as const;
export const carePlanOccurrenceStatus = pgEnum('care_plan_occurrence_status', carePlanOccurrenceStatuses);

/**
 * Proactive care: who (audience), when (trigger), what (action), and when not (quiet rules,
 * exits). The shapes of the jsonb parts are validated by the care-plans input (zod) and typed
 * there; the assignee is a column so a deleted agent or team does not leave a dangling id.
 */
export const carePlans = pgTable(
  'care_plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    active: boolean('active').notNull().default(true),
    triggerType: carePlanTriggerType('trigger_type').notNull(),
    /** The trigger's parameters (days, month and day, holiday key, product, anchor). */
    trigger: jsonb('trigger').$type<Record<string, unknown>>().notNull(),
    /** Tiers, lifecycle stages, tags, special needs, sites; an empty list means any. */
    audience: jsonb('audience').$type<Record<string, unknown>>().notNull(),
    /** Channel, kind, stage, automated, message templates per locale, lead time. */
    action: jsonb('action').$type<Record<string, unknown>>().notNull(),
    /** When not to schedule (weekdays, hours, a minimum gap after the last contact). */
    quietRules: jsonb('quiet_rules').$type<Record<string, unknown>>().notNull(),
    /** Which exits apply (all by default). */
    exits: jsonb('exits').$type<Record<string, unknown>>().notNull(),
    assigneeAgentId: uuid('assignee_agent_id').references(() => agents.id, { onDelete: 'set null' }),
    assigneeTeamId: uuid('assignee_team_id').references(() => teams.id, { onDelete: 'set null' }),
    /** An occurrence missed by less than this (downtime) is still created, marked late; older ones are skipped. */
    maxLatenessSeconds: integer('max_lateness_seconds').notNull().default(86_400),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [
    uniqueIndex('care_plans_org_name_key').on(t.orgId, t.name),
    index('care_plans_org_created_idx').on(t.orgId, t.createdAt, t.id),
  ],
);

/**
 * One occurrence of a plan for one customer, written once: the unique key (plan, customer,
 * occurrence key) is what makes a second run, or a second instance, create nothing more. The key
 * names the occurrence itself (e.g. `2027-02-28` for a birthday, `purchase:<id>`), not the run.
 */
export const carePlanOccurrences = pgTable(
  'care_plan_occurrences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    planId: uuid('plan_id')
      .notNull()
      .references(() => carePlans.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    occurrenceKey: text('occurrence_key').notNull(),
    /** When the occurrence falls (the touchpoint's scheduledFor). */
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'string' }).notNull(),
    status: carePlanOccurrenceStatus('status').notNull(),
    /** Why it was skipped or cancelled (`fatigue_cap`, `too_late`, `opted_out`, `complaint_open`…). */
    reason: text('reason'),
    late: boolean('late').notNull().default(false),
    touchpointId: uuid('touchpoint_id').references(() => touchpoints.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [
    uniqueIndex('care_plan_occurrences_key').on(t.orgId, t.planId, t.customerId, t.occurrenceKey),
    index('care_plan_occurrences_org_customer_idx').on(t.orgId, t.customerId, t.dueAt),
    index('care_plan_occurrences_org_plan_idx').on(t.orgId, t.planId, t.dueAt),
  ],
);
