import { builder } from '../../builder.ts';
import { tenantOf } from '../../context.ts';
import { slaClockStatuses, slaMetrics } from '../../db/tables/index.ts';
import { mutationErrorOptions } from '../../shared/common.schema.ts';
import { enumOf } from '../../shared/enums.ts';
import { inputFromZod } from '../../shared/zod-input.ts';
import type { OpenInterval } from './calendar.ts';
import { weekdayName, weekdays, type ComplaintSettings, type MetricTargets } from './policy.ts';
import { complaintSettings, complaintSettingsInput, updateComplaintSettings } from './settings.service.ts';
import { effectiveStatus } from './status.ts';

export const SlaMetric = enumOf('SlaMetric', slaMetrics, {
  description: 'What an SLA clock measures.',
  values: {
    first_response: 'From filing to the first customer-visible answer (a customer note, a request for information, a resolution).',
    next_reply: 'From the oldest unanswered customer reply to the next customer-visible answer.',
    resolution: 'From filing to resolution; paused while awaiting the customer, resumed on a reopen (total resolution).',
  },
});

export const SlaClockStatus = enumOf('SlaClockStatus', slaClockStatuses, {
  description: 'Where an SLA clock stands (computed at read time: a running clock past its due time reads BREACHED).',
  values: {
    active: 'Running, within its target.',
    paused: 'Paused (awaiting the customer), within its target; the time used is kept.',
    fulfilled: 'Met within its target.',
    breached: 'Its target was passed (it may since have been met or stopped: see fulfilledAt).',
    cancelled: 'Stopped without being met or breached (e.g. next reply on resolution, everything on closing).',
  },
});

const Weekday = enumOf('Weekday', weekdays, {
  description: 'A day of the week.',
  values: {
    monday: 'Monday.',
    tuesday: 'Tuesday.',
    wednesday: 'Wednesday.',
    thursday: 'Thursday.',
    friday: 'Friday.',
    saturday: 'Saturday.',
    sunday: 'Sunday.',
  },
});

const SlaClock = builder.drizzleObject('slaClocks', {
  name: 'SlaClock',
  description:
    'One SLA clock of a complaint, counted in business seconds on the organization’s calendar. A complaint has one per metric at a time; next reply starts again at each unanswered customer reply.',
  // Only the columns its fields read (exposed ones and status's own select): the inbox reads
  // the clocks of 50 complaints per request. Not a node, so nothing else needs its row.
  select: {},
  fields: (t) => ({
    metric: t.expose('metric', { type: SlaMetric, description: 'What it measures.' }),
    status: t.field({
      type: SlaClockStatus,
      description: 'Where it stands now: a running clock past its due time reads BREACHED even before the watcher has run.',
      select: { columns: { status: true, runningSince: true, dueAt: true, breachedAt: true } },
      resolve: (clock, _args, ctx) => effectiveStatus(clock, ctx.clock.now()),
    }),
    startedAt: t.expose('startedAt', { type: 'DateTime', description: 'When it started (filing, or the customer reply it answers).' }),
    runningSince: t.expose('runningSince', {
      type: 'DateTime',
      nullable: true,
      description: 'Since when it runs (its start or its last resume); null while paused or ended.',
    }),
    dueAt: t.expose('dueAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When its target is used up if it keeps running; null while paused. Kept after it ended.',
    }),
    pausedAt: t.expose('pausedAt', { type: 'DateTime', nullable: true, description: 'Since when it is paused; null unless paused.' }),
    usedBusinessSeconds: t.exposeInt('usedBusinessSeconds', {
      description: 'Business seconds used up to runningSince (or to its pause or end); while running, the time since runningSince adds to it.',
    }),
    targetBusinessSeconds: t.exposeInt('targetBusinessSeconds', {
      description: 'Its target in business seconds: the policy’s for the severity, times the customer’s tier multiplier.',
    }),
    fulfilledAt: t.expose('fulfilledAt', { type: 'DateTime', nullable: true, description: 'When it was met; null if not (yet).' }),
    breachedAt: t.expose('breachedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it breached (its due time), once the watcher or a later change recorded it.',
    }),
  }),
});

builder.drizzleObjectFields('complaints', (t) => ({
  sla: t.relation('slaClocks', {
    type: SlaClock,
    description: 'Its SLA clocks, oldest first (read in the same statement as the complaint).',
    query: { orderBy: { startedAt: 'asc', metric: 'asc' } },
  }),
}));

const SlaTargets = builder.objectRef<MetricTargets>('SlaTargets').implement({
  description: 'The targets of one severity, in business seconds (before the tier multiplier).',
  fields: (t) => ({
    firstResponseSeconds: t.int({ description: 'First response.', resolve: (m) => m.first_response }),
    nextReplySeconds: t.int({ description: 'Next reply.', resolve: (m) => m.next_reply }),
    resolutionSeconds: t.int({ description: 'Resolution.', resolve: (m) => m.resolution }),
  }),
});

const SlaPolicyTargets = builder.objectRef<ComplaintSettings['targets']>('SlaPolicyTargets').implement({
  description: 'SLA targets per severity.',
  fields: (t) => ({
    critical: t.field({ type: SlaTargets, description: 'CRITICAL complaints.', resolve: (x) => x.critical }),
    high: t.field({ type: SlaTargets, description: 'HIGH complaints.', resolve: (x) => x.high }),
    medium: t.field({ type: SlaTargets, description: 'MEDIUM complaints (the severity until triage).', resolve: (x) => x.medium }),
    low: t.field({ type: SlaTargets, description: 'LOW complaints.', resolve: (x) => x.low }),
  }),
});

const TierMultipliers = builder.objectRef<ComplaintSettings['tierMultipliers']>('TierMultipliers').implement({
  description: 'What each customer tier multiplies the targets by (a complaint without a customer: × 1).',
  fields: (t) => ({
    a: t.float({ description: 'Tier A.', resolve: (x) => x.A }),
    b: t.float({ description: 'Tier B.', resolve: (x) => x.B }),
    c: t.float({ description: 'Tier C.', resolve: (x) => x.C }),
  }),
});

const OpenHours = builder.objectRef<OpenInterval>('OpenHours').implement({
  description: 'Open hours on one day of the week, local wall time in the calendar’s zone.',
  fields: (t) => ({
    weekday: t.field({ type: Weekday, description: 'The day of the week.', resolve: (h) => weekdayName(h.weekday) }),
    start: t.exposeString('start', { description: 'Opens at, HH:MM.' }),
    end: t.exposeString('end', { description: 'Closes at, HH:MM (24:00: midnight after).' }),
  }),
});

const ComplaintSettingsType = builder.objectRef<ComplaintSettings>('ComplaintSettings').implement({
  description: 'How the organization handles complaints: the business calendar SLAs count on, the SLA policy, the follow-up delay.',
  fields: (t) => ({
    timeZone: t.string({ description: 'The IANA time zone of the calendar.', resolve: (s) => s.calendar.timeZone }),
    alwaysOpen: t.boolean({ description: 'True when business time runs around the clock, every day.', resolve: (s) => s.calendar.hours === null }),
    openHours: t.field({
      type: [OpenHours],
      description: 'Open intervals per weekday, by day and time; empty when always open.',
      resolve: (s) => [...(s.calendar.hours ?? [])].sort((x, y) => x.weekday - y.weekday || x.start.localeCompare(y.start)),
    }),
    holidays: t.field({ type: ['Date'], description: 'Dates closed all day, in the time zone.', resolve: (s) => s.calendar.holidays }),
    targets: t.field({ type: SlaPolicyTargets, description: 'SLA targets per severity.', resolve: (s) => s.targets }),
    tierMultipliers: t.field({ type: TierMultipliers, description: 'How customer tiers tighten the targets.', resolve: (s) => s.tierMultipliers }),
    followUpDays: t.int({ description: 'Days after closing when care follows up.', resolve: (s) => s.followUpDays }),
  }),
});

const UpdateComplaintSettingsInput = inputFromZod('UpdateComplaintSettingsInput', complaintSettingsInput, {
  description: 'The parts of the complaint settings to change; an omitted part keeps its value.',
});

builder.queryFields((t) => ({
  complaintSettings: t.field({
    type: ComplaintSettingsType,
    description: "The organization's effective complaint settings (the defaults for what it has not set).",
    authScopes: { read: true },
    resolve: (_root, _args, ctx) => complaintSettings(tenantOf(ctx)),
  }),
}));

builder.mutationFields((t) => ({
  updateComplaintSettings: t.field({
    type: ComplaintSettingsType,
    description:
      'Changes the business calendar, SLA targets, tier multipliers or follow-up days. Open SLA clocks are re-matched to the new policy at once, keeping the time they have used.',
    authScopes: { write: true },
    errors: mutationErrorOptions,
    args: { input: t.arg({ type: UpdateComplaintSettingsInput, required: true, description: 'What to change.' }) },
    resolve: (_root, args, ctx) => updateComplaintSettings(tenantOf(ctx), args.input, ['input']),
  }),
}));
