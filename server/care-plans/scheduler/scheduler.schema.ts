import { builder } from '../../builder.ts';
import { tenantOf } from '../../context.ts';
import { mutationErrorOptions } from '../../shared/common.schema.ts';
import { enumOf } from '../../shared/enums.ts';
import { runCarePlans } from './run.ts';
import { cancelReasons, skipReasons, type CancelReason, type RunCounts, type SkipReason } from './types.ts';

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
