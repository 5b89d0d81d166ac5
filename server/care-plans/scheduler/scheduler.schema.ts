import { inArray } from 'drizzle-orm';
import { builder } from '../../builder.ts';
import { orgIdOf, tenantOf } from '../../context.ts';
import { Customer } from '../../customers/customers.schema.ts';
import { carePlanOccurrenceStatuses, customers } from '../../db/tables/index.ts';
import { CarePlan } from '../care-plans.schema.ts';
import { nextOccurrences, PREVIEW_SCAN_LIMIT, previewCarePlan, type UpcomingOccurrence } from './preview.ts';
import { mutationErrorOptions } from '../../shared/common.schema.ts';
import { enumOf } from '../../shared/enums.ts';
import { toInstant } from '../../shared/temporal.ts';
import { badUserInput } from '../../http/use-input-checks.ts';
import { runCarePlans } from './run.ts';
import { cancelReasons, skipReasons, type CancelReason, type Decision, type RunCounts, type SkipReason } from './types.ts';

export const CareSkipReason = enumOf('CareSkipReason', skipReasons, {
  description: 'Why a care plan recorded an occurrence as skipped instead of scheduling a touchpoint.',
  values: {
    too_late: "Due longer ago than the plan's maximum lateness (the scheduler was down): recorded, never sent.",
    opted_out: 'The customer opted out of care messages.',
    channel_not_allowed: "The plan's channel is not among the customer's allowed contact channels.",
    complaint_open: 'A complaint of the customer is open.',
    recently_contacted: "A non-automated touchpoint within the plan's minDaysSinceContact.",
    fatigue_cap: "The org's fatigue cap (default 2 planned touchpoints per 7 days across plans) held it back.",
  },
});

export const CareCancelReason = enumOf('CareCancelReason', cancelReasons, {
  description: 'Why a scheduled occurrence and its touchpoint were cancelled by an exit.',
  values: {
    opted_out: 'The customer opted out of care messages after it was scheduled.',
    channel_not_allowed: "The customer no longer allows the plan's channel.",
    complaint_open: 'A complaint of the customer opened after it was scheduled.',
    audience_left: "The customer's tier, stage, tags, needs or sites left the plan's audience.",
    contact_made: 'SILENCE plans: the customer made contact after it was scheduled.',
    erased: 'The customer was erased.',
    merged: 'The customer was merged into another one.',
  },
});

const SkipCount = builder.objectRef<{ reason: SkipReason; count: number }>('CareSkipCount').implement({
  description: 'Occurrences a run recorded as skipped for one reason.',
  fields: (t) => ({
    reason: t.field({ type: CareSkipReason, description: 'The reason.', resolve: (r) => r.reason }),
    count: t.exposeInt('count', { description: 'How many.' }),
  }),
});

const CancelCount = builder.objectRef<{ reason: CancelReason; count: number }>('CareCancelCount').implement({
  description: 'Scheduled occurrences a run cancelled for one reason.',
  fields: (t) => ({
    reason: t.field({ type: CareCancelReason, description: 'The reason.', resolve: (r) => r.reason }),
    count: t.exposeInt('count', { description: 'How many.' }),
  }),
});

const entries = <K extends string>(counts: Partial<Record<K, number>>) =>
  (Object.entries(counts) as [K, number][]).sort(([a], [b]) => a.localeCompare(b)).map(([reason, count]) => ({ reason, count }));

const CareRun = builder.objectRef<RunCounts>('CarePlansRun').implement({
  description: 'What one run of the care scheduler did.',
  fields: (t) => ({
    plans: t.exposeInt('plans', { description: 'Active plans run.' }),
    evaluatedCustomers: t.exposeInt('evaluatedCustomers', { description: "Customers evaluated, summed over plans (a customer in two plans' audiences counts twice)." }),
    scheduled: t.exposeInt('scheduled', { description: 'Touchpoints scheduled (one per new occurrence).' }),
    late: t.exposeInt('late', { description: 'Of the scheduled, those created after their due time (catch-up after downtime).' }),
    skipped: t.field({ type: [SkipCount], description: 'Occurrences recorded as skipped, by reason.', resolve: (r) => entries(r.skipped) }),
    cancelled: t.field({ type: [CancelCount], description: 'Scheduled occurrences cancelled by exits, by reason.', resolve: (r) => entries(r.cancelled) }),
    due: t.exposeInt('due', { description: 'Automated touchpoints whose time came (touchpoint.due recorded).' }),
  }),
});

builder.mutationFields((t) => ({
  runCarePlans: t.field({
    authScopes: { admin: true },
    errors: mutationErrorOptions,
    type: CareRun,
    description:
      "Runs the organization's active care plans now, as the every-minute job does: schedules due occurrences once each, records what is skipped and why, applies exits. Safe to call while the job runs.",
    resolve: (_root, _args, ctx) => {
      const tenant = tenantOf(ctx);
      return runCarePlans(tenant, { orgId: tenant.orgId, actor: tenant.actor });
    },
  }),
}));

const CareOccurrenceStatus = enumOf('CareOccurrenceStatus', carePlanOccurrenceStatuses, {
  description: 'What the scheduler recorded for an occurrence.',
  values: {
    scheduled: 'A touchpoint was created for it.',
    skipped: 'Held back (see the reason); no touchpoint.',
    cancelled: 'Its touchpoint was cancelled by an exit (see the reason).',
  },
});

const previewOutcomes = ['schedule', 'skip'] as const;
const CarePreviewOutcome = enumOf('CarePreviewOutcome', previewOutcomes, {
  description: 'What a run would do with an occurrence.',
  values: { schedule: 'Create a SCHEDULED touchpoint.', skip: 'Record it as skipped, with the reason.' },
});

type PreviewEntry = { decision: Decision; customer: typeof customers.$inferSelect };

const CarePlanPreviewEntry = builder.objectRef<PreviewEntry>('CarePlanPreviewEntry').implement({
  description: 'One occurrence a run would record now, and why.',
  fields: (t) => ({
    customer: t.field({ type: Customer, description: 'Who.', resolve: (e) => e.customer }),
    occurrenceKey: t.string({ description: 'The occurrence\'s key (e.g. `birthday:2031-06-11`, `purchase:<id>`): why it exists.', resolve: (e) => e.decision.occurrence.key }),
    dueAt: t.field({ type: 'DateTime', description: 'When it falls (the touchpoint\'s scheduledFor).', resolve: (e) => e.decision.occurrence.dueAt.toISOString() }),
    localDate: t.field({ type: 'Date', description: "The local date it falls on, in the customer's zone.", resolve: (e) => e.decision.occurrence.context.localDate }),
    product: t.string({ nullable: true, description: 'The product, for a purchase follow-up.', resolve: (e) => e.decision.occurrence.context.product ?? null }),
    outcome: t.field({ type: CarePreviewOutcome, description: 'Scheduled or skipped.', resolve: (e) => e.decision.outcome }),
    skipReason: t.field({ type: CareSkipReason, nullable: true, description: 'Why it would be skipped; null when it would be scheduled.', resolve: (e) => (e.decision.outcome === 'skip' ? e.decision.reason : null) }),
    late: t.boolean({ description: 'Scheduled after its due time (within maxLateness).', resolve: (e) => e.decision.outcome === 'schedule' && e.decision.late }),
  }),
});

const CarePlanPreviewRef = builder.objectRef<{ entries: PreviewEntry[]; evaluatedCustomers: number; complete: boolean }>('CarePlanPreview').implement({
  description: 'What a run of one plan would do now, computed by the scheduler\'s own decision code without writing anything.',
  fields: (t) => ({
    entries: t.field({ type: [CarePlanPreviewEntry], description: 'The occurrences a run would record, in audience order, at most `first`.', resolve: (p) => p.entries }),
    evaluatedCustomers: t.exposeInt('evaluatedCustomers', { description: 'Customers of the audience read for the preview.' }),
    complete: t.exposeBoolean('complete', { description: `False when \`first\` or the scan limit (${PREVIEW_SCAN_LIMIT} customers) stopped it before the end of the audience.` }),
  }),
});

const UpcomingOccurrenceRef = builder.objectRef<UpcomingOccurrence>('CarePlanUpcomingOccurrence').implement({
  description: "One of a customer's next occurrences of a plan.",
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The occurrence key, stable across runs.' }),
    dueAt: t.field({ type: 'DateTime', description: 'When it falls.', resolve: (o) => o.dueAt.toISOString() }),
    localDate: t.field({ type: 'Date', description: "The local date, in the customer's zone.", resolve: (o) => o.localDate }),
    product: t.string({ nullable: true, description: 'The product, for a purchase follow-up.', resolve: (o) => o.product }),
    status: t.field({ type: CareOccurrenceStatus, nullable: true, description: 'What the scheduler recorded for it; null when nothing yet.', resolve: (o) => o.status }),
    reason: t.string({ nullable: true, description: 'Why it was skipped or cancelled (a CareSkipReason or CareCancelReason value, lower case).', resolve: (o) => o.reason }),
  }),
});

const clampFirst = (n: number | null | undefined, fallback: number) => Math.min(100, Math.max(1, n ?? fallback));

builder.drizzleObjectFields(CarePlan, (t) => ({
  nextOccurrences: t.field({
    type: [UpcomingOccurrenceRef],
    description: "The customer's next occurrences of this plan from now (up to two years ahead), with what is already recorded for each; empty when the customer is not in the audience.",
    args: {
      customerId: t.arg.globalID({ for: Customer, required: true, description: 'A Customer id.' }),
      count: t.arg.int({ description: 'How many (1 to 100, default 5).' }),
    },
    resolve: (plan, args, ctx) => nextOccurrences(tenantOf(ctx), plan.id, args.customerId.id, clampFirst(args.count, 5)),
  }),
}));

builder.queryFields((t) => ({
  carePlanPreview: t.field({
    type: CarePlanPreviewRef,
    authScopes: { read: true },
    description:
      'Who a run of the plan would schedule now (or at `at`), when, and why, and what it would skip and why, without writing anything: the scheduler\'s own decision code in a dry run. Exits of what is already scheduled are not shown.',
    args: {
      planId: t.arg.globalID({ for: CarePlan, required: true, description: 'A CarePlan id.' }),
      first: t.arg.int({ description: 'At most this many entries (1 to 100, default 20).' }),
      at: t.arg({ type: 'DateTime', description: 'Preview a run at this instant instead of now.' }),
    },
    resolve: async (_root, args, ctx) => {
      const given = args.at as unknown as string | null | undefined;
      const instant = given ? toInstant(given) : undefined;
      if (given && !instant) throw badUserInput([{ path: ['at'], message: 'must be ISO 8601 with a time zone, e.g. 2031-06-10T08:00:00Z' }]);
      const at = instant ? new Date(instant) : undefined;
      const preview = await previewCarePlan(tenantOf(ctx), args.planId.id, clampFirst(args.first, 20), at);
      const ids = [...new Set(preview.decisions.map((d) => d.customerId))];
      const rows = ids.length ? await ctx.db.select().from(customers).where(inArray(customers.id, ids)) : [];
      const byId = new Map(rows.filter((r) => r.orgId === orgIdOf(ctx)).map((r) => [r.id, r]));
      return {
        entries: preview.decisions.flatMap((decision) => (byId.has(decision.customerId) ? [{ decision, customer: byId.get(decision.customerId)! }] : [])),
        evaluatedCustomers: preview.evaluatedCustomers,
        complete: preview.complete,
      };
    },
  }),
}));
