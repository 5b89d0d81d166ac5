import { builder } from '../builder.ts';
import { orgIdOf } from '../context.ts';
import { carePlanOccurrenceStatuses } from '../db/tables/index.ts';
import { enumRefOf } from '../shared/enums.ts';
import { Touchpoint } from '../touchpoints/touchpoints.schema.ts';
import { CarePlan } from './care-plans.schema.ts';

/**
 * What the scheduler recorded, readable: a CarePlanOccurrence (a row of care_plan_occurrences),
 * the link from a touchpoint to the plan that made it, and a plan's history. Its field names
 * follow CarePlanUpcomingOccurrence (scheduler.schema.ts: key, dueAt, status, reason), so a
 * console reads the past and the next occurrences alike. Imported after scheduler.schema.ts.
 */

// Made by scheduler.schema.ts (imported before this file); found by its values, as care-plans.schema.ts finds Tier.
const CareOccurrenceStatus = enumRefOf(carePlanOccurrenceStatuses, 'CarePlanOccurrence.status') as ReturnType<
  typeof builder.enumType<'CareOccurrenceStatus', { SCHEDULED: { value: 'scheduled' }; SKIPPED: { value: 'skipped' }; CANCELLED: { value: 'cancelled' } }>
>;

export const CarePlanOccurrence = builder.drizzleObject('carePlanOccurrences', {
  name: 'CarePlanOccurrence',
  description:
    'One occurrence of a care plan for one customer, as the scheduler recorded it, once: scheduled (with its touchpoint), skipped or cancelled (with the reason).',
  fields: (t) => ({
    key: t.exposeString('occurrenceKey', { description: 'The occurrence key (e.g. `birthday:2031-06-11`, `purchase:<id>`), unique per plan and customer: why it exists.' }),
    dueAt: t.expose('dueAt', { type: 'DateTime', description: "When it falls (its touchpoint's scheduledFor)." }),
    status: t.expose('status', { type: CareOccurrenceStatus, description: 'What the scheduler recorded: SCHEDULED, SKIPPED or CANCELLED.' }),
    reason: t.exposeString('reason', {
      nullable: true,
      description: 'Why it was skipped or cancelled (a CareSkipReason or CareCancelReason value, lower case); null when scheduled.',
    }),
    late: t.exposeBoolean('late', { description: 'Scheduled after its due time (catching up after downtime, within the plan’s maxLatenessSeconds).' }),
    plan: t.relation('plan', { description: 'The care plan it is an occurrence of.' }),
    customer: t.relation('customer', { description: 'Whom it is for.' }),
    touchpoint: t.relation('touchpoint', {
      nullable: true,
      description: 'The touchpoint it created (CANCELLED: the cancelled touchpoint); null when skipped, or after the touchpoint was removed.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the scheduler recorded it (the clock).' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed (e.g. cancelled by an exit).' }),
  }),
});

type WithPlan = { planOccurrence?: { plan?: typeof CarePlan.$inferType | null } | null };

builder.drizzleObjectFields(Touchpoint, (t) => ({
  planOccurrence: t.relation('planOccurrence', {
    nullable: true,
    description: 'The care-plan occurrence that created it; null for one made by hand.',
  }),
  carePlan: t.field({
    type: CarePlan,
    nullable: true,
    description: 'The care plan that created it (planOccurrence.plan, read in the same statement); null for one made by hand.',
    select: (_args, _ctx, nestedSelection) => ({ with: { planOccurrence: { columns: { id: true }, with: { plan: nestedSelection() } } } }),
    resolve: (touchpoint) => (touchpoint as unknown as WithPlan).planOccurrence?.plan ?? null,
  }),
}));

const CarePlanOccurrenceFilter = builder.inputType('CarePlanOccurrenceFilter', {
  description: 'Every given condition must hold.',
  fields: (t) => ({ status: t.field({ type: CareOccurrenceStatus, description: 'Only occurrences with this status.' }) }),
});

builder.drizzleObjectFields(CarePlan, (t) => ({
  occurrences: t.relatedConnection(
    'occurrences',
    {
      type: CarePlanOccurrence,
      description: 'What the plan did: its recorded occurrences (scheduled, skipped, cancelled), latest due first.',
      args: { filter: t.arg({ type: CarePlanOccurrenceFilter, description: 'Only occurrences matching it; all without it.' }) },
      query: (args, ctx) => ({
        where: { orgId: orgIdOf(ctx), ...(args.filter?.status ? { status: args.filter.status } : {}) },
        orderBy: { dueAt: 'desc', id: 'desc' },
      }),
      totalCount: true,
    },
    { name: 'CarePlanOccurrenceConnection' },
    { name: 'CarePlanOccurrenceEdge' },
  ),
}));
