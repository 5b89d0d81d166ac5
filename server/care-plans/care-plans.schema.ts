import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.ts';
import { orgIdOf, tenantOf } from '../context.ts';
import { Agent, Team } from '../care-team/care-team.schema.ts';
import type { Weekday } from '../complaints/sla/calendar.ts';
import { weekdayName, weekdays } from '../complaints/sla/policy.ts';
import { carePlanTriggerTypes, customerTiers, lifecycleStages, specialNeeds } from '../db/tables/index.ts';
import { mutationErrorOptions } from '../shared/common.schema.ts';
import { enumOf, enumRefOf } from '../shared/enums.ts';
import { maxPageSize } from '../shared/limits.ts';
import { inputFromZod } from '../shared/zod-input.ts';
import { cadenceAnchors, careSettingsInput, createCarePlanInput, updateCarePlanInput } from './care-plans.input.ts';
import { carePlanFilterSql, countCarePlans, createCarePlan, setCarePlanActive, updateCarePlan } from './care-plans.service.ts';
import { careSettings, updateCareSettings } from './care-settings.service.ts';
import type { CarePlanAction, CarePlanAudience, CarePlanDefinition, CarePlanExits, CarePlanQuietRules, CarePlanTrigger, CareSettings, Holiday } from './engine/types.ts';
import { planFromRow, type CarePlanRow } from './stored.ts';
import { TouchpointChannel, TouchpointKind, TouchpointStage } from '../touchpoints/touchpoints.schema.ts';

const CarePlanTriggerType = enumOf('CarePlanTriggerType', carePlanTriggerTypes, {
  description: 'What makes a care plan’s occurrences.',
  values: {
    birthday: 'The customer’s birthday, every year (29 February: on 28 February in other years).',
    annual_date: 'A month and day every year, or a holiday of the organization’s list.',
    after_purchase: 'N days after each purchase (optionally of one product).',
    after_complaint_closed: 'N days after a complaint of theirs closed, or at the complaint’s followUpDueAt.',
    every: 'Every N days: on a fixed schedule, or N days after the last completed touchpoint of the plan.',
    silence: 'After N days without a non-automated touchpoint.',
  },
});

const CarePlanCadenceAnchor = enumOf('CarePlanCadenceAnchor', cadenceAnchors, {
  description: 'What an EVERY plan counts from.',
  values: {
    fixed: 'A fixed schedule: startsOn, then every N days.',
    last_completed: 'N days after the last completed touchpoint of the plan, and every N days after while none is completed (without one yet: from the later of the plan’s and the customer’s creation).',
  },
});

// Defined by customers.schema.ts and sla.schema.ts (imported before this file); found by their values.
const Tier = enumRefOf(customerTiers, 'CarePlanAudience.tiers') as typeof CarePlanTriggerType;
const LifecycleStage = enumRefOf(lifecycleStages, 'CarePlanAudience.lifecycleStages') as typeof CarePlanTriggerType;
const SpecialNeed = enumRefOf(specialNeeds, 'CarePlanAudience.specialNeeds') as typeof CarePlanTriggerType;
const WeekdayEnum = enumRefOf(weekdays, 'CarePlanQuietRules.weekdays') as typeof CarePlanTriggerType;

/** One parse per row and request: every part's fields read the same definition. */
const parsed = new WeakMap<CarePlanRow, CarePlanDefinition>();
const definitionOf = (row: CarePlanRow) => {
  let plan = parsed.get(row);
  if (!plan) parsed.set(row, (plan = planFromRow(row)));
  return plan;
};

type Params = { days?: number; month?: number; day?: number; holiday?: string; product?: string; anchor?: string; startsOn?: string };
const param = <K extends keyof Params>(trigger: CarePlanTrigger, key: K): Params[K] | null => (trigger as Params)[key] ?? null;

const CarePlanTriggerRef = builder.objectRef<CarePlanTrigger>('CarePlanTrigger').implement({
  description: 'What makes the occurrences: a type and the parameters that type takes (the others are null).',
  fields: (t) => ({
    type: t.field({ type: CarePlanTriggerType, description: 'The trigger type.', resolve: (x) => x.type }),
    days: t.int({
      nullable: true,
      description: 'AFTER_PURCHASE, AFTER_COMPLAINT_CLOSED, EVERY, SILENCE: the number of days (AFTER_COMPLAINT_CLOSED without it: at followUpDueAt).',
      resolve: (x) => param(x, 'days'),
    }),
    month: t.int({ nullable: true, description: 'ANNUAL_DATE by date: the month (1 to 12).', resolve: (x) => param(x, 'month') }),
    day: t.int({ nullable: true, description: 'ANNUAL_DATE by date: the day of the month.', resolve: (x) => param(x, 'day') }),
    holiday: t.string({ nullable: true, description: 'ANNUAL_DATE by holiday: the key in careSettings.holidays.', resolve: (x) => param(x, 'holiday') }),
    product: t.string({ nullable: true, description: 'AFTER_PURCHASE: the one product it follows up (any letter case); null: every purchase.', resolve: (x) => param(x, 'product') }),
    anchor: t.field({
      type: CarePlanCadenceAnchor,
      nullable: true,
      description: 'EVERY: what it counts from.',
      resolve: (x) => (param(x, 'anchor') as (typeof cadenceAnchors)[number] | null),
    }),
    startsOn: t.field({ type: 'Date', nullable: true, description: 'EVERY with anchor FIXED: the schedule’s first date.', resolve: (x) => param(x, 'startsOn') }),
  }),
});

const CarePlanAudienceRef = builder.objectRef<CarePlanAudience>('CarePlanAudience').implement({
  description: 'Who the plan is for. An empty list means any; a customer must match every non-empty list.',
  fields: (t) => ({
    tiers: t.field({ type: [Tier], description: 'Customer tiers.', resolve: (a) => a.tiers as never }),
    lifecycleStages: t.field({ type: [LifecycleStage], description: 'Lifecycle stages.', resolve: (a) => a.lifecycleStages as never }),
    tags: t.stringList({ description: 'At least one of these tags.', resolve: (a) => a.tags }),
    specialNeeds: t.field({ type: [SpecialNeed], description: 'At least one of these special needs.', resolve: (a) => a.specialNeeds as never }),
    siteIds: t.idList({
      description: 'Site ids: customers who gave feedback or filed a complaint on one of them.',
      resolve: (a) => a.siteIds.map((id) => encodeGlobalID('Site', id)),
    }),
  }),
});

const CarePlanTemplate = builder.objectRef<{ locale: string; text: string }>('CarePlanTemplate').implement({
  description: 'The message of one locale; {name}, {product} and {date} are filled for each customer.',
  fields: (t) => ({
    locale: t.exposeString('locale', { description: 'The locale (BCP 47), e.g. en, zh-CN.' }),
    text: t.exposeString('text', { description: 'The template text.' }),
  }),
});

const CarePlanActionRef = builder.objectRef<CarePlanAction>('CarePlanAction').implement({
  description: 'What the plan does at an occurrence: a touchpoint of this channel and kind, for the assignee or sent by the company’s systems.',
  fields: (t) => ({
    channel: t.field({ type: TouchpointChannel, description: 'The channel of its touchpoints.', resolve: (a) => a.channel as never }),
    kind: t.field({ type: TouchpointKind, description: 'The kind of its touchpoints.', resolve: (a) => a.kind as never }),
    stage: t.field({ type: TouchpointStage, nullable: true, description: 'The stage of its touchpoints; null for none.', resolve: (a) => a.stage as never }),
    automated: t.boolean({ description: 'True: sent by the company’s systems with the rendered message, no person needed.', resolve: (a) => a.automated }),
    templates: t.field({
      type: [CarePlanTemplate],
      description: 'The message per locale, by locale.',
      resolve: (a) =>
        Object.entries(a.templates)
          .map(([locale, text]) => ({ locale, text }))
          .sort((x, y) => (x.locale < y.locale ? -1 : 1)),
    }),
    leadTimeSeconds: t.int({ description: 'How long before it is due its touchpoint is created, in seconds.', resolve: (a) => a.leadTimeSeconds }),
    localTime: t.string({ description: 'The local wall time (HH:MM, customer’s zone) a date falls at.', resolve: (a) => a.localTime }),
  }),
});

const CarePlanQuietRulesRef = builder.objectRef<CarePlanQuietRules>('CarePlanQuietRules').implement({
  description: 'When not to reach out.',
  fields: (t) => ({
    weekdays: t.field({
      type: [WeekdayEnum],
      description: 'Days of the week an occurrence may fall on (one on another day moves to the next allowed day); empty: any.',
      resolve: (q) => q.weekdays.map((n) => weekdayName(n as Weekday)) as never,
    }),
    minDaysSinceContact: t.int({
      description: 'Skipped when the customer had a non-automated touchpoint within this many days; 0: off.',
      resolve: (q) => q.minDaysSinceContact,
    }),
  }),
});

const CarePlanExitsRef = builder.objectRef<CarePlanExits>('CarePlanExits').implement({
  description: 'Which exits apply (erased and merged customers always exit; opted-out customers get no plan touchpoints).',
  fields: (t) => ({
    onContact: t.boolean({ description: 'SILENCE: cancelled when the customer made contact meanwhile.', resolve: (e) => e.onContact }),
    onOpenComplaint: t.boolean({ description: 'Cancelled while a complaint of theirs is open.', resolve: (e) => e.onOpenComplaint }),
    onAudienceLeft: t.boolean({ description: 'Cancelled when the customer left the audience.', resolve: (e) => e.onAudienceLeft }),
  }),
});

export const CarePlan = builder.drizzleNode('carePlans', {
  name: 'CarePlan',
  description: 'Proactive care: for whom (audience), when (trigger), what (action), and when not (quiet rules, exits).',
  id: { column: (p) => p.id },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'A name for people, unique in the organization.' }),
    active: t.exposeBoolean('active', { description: 'False while paused: it makes no new occurrences.' }),
    trigger: t.field({ type: CarePlanTriggerRef, description: 'What makes its occurrences.', resolve: (row) => definitionOf(row).trigger }),
    audience: t.field({ type: CarePlanAudienceRef, description: 'Who it is for.', resolve: (row) => definitionOf(row).audience }),
    action: t.field({ type: CarePlanActionRef, description: 'What it does.', resolve: (row) => definitionOf(row).action }),
    quietRules: t.field({ type: CarePlanQuietRulesRef, description: 'When not to reach out.', resolve: (row) => definitionOf(row).quietRules }),
    exits: t.field({ type: CarePlanExitsRef, description: 'Which exits apply.', resolve: (row) => definitionOf(row).exits }),
    assigneeAgent: t.relation('assigneeAgent', { nullable: true, description: 'The agent its touchpoints are for; null for none.' }),
    assigneeTeam: t.relation('assigneeTeam', { nullable: true, description: 'The team its touchpoints are for; null for none.' }),
    maxLatenessSeconds: t.exposeInt('maxLatenessSeconds', {
      description: 'After downtime, an occurrence missed by less than this is still created (marked late); older ones are skipped.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the plan was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the plan was last changed.' }),
  }),
});

const CarePlanFilter = builder.inputType('CarePlanFilter', {
  description: 'Every given condition must hold.',
  fields: (t) => ({ active: t.boolean({ description: 'True: active plans only; false: paused ones only.' }) }),
});

const assigneeFields = (t: Parameters<NonNullable<Parameters<typeof inputFromZod>[2]['extra']>>[0], verb: string) => ({
  assigneeAgentId: t.globalID({ for: Agent, description: `The active Agent its touchpoints are for${verb}.` }),
  assigneeTeamId: t.globalID({ for: Team, description: `The Team its touchpoints are for${verb}.` }),
});

const CreateCarePlanInput = inputFromZod('CreateCarePlanInput', createCarePlanInput, {
  description: 'A new care plan.',
  extra: (t) => assigneeFields(t, '; none without it'),
});

const UpdateCarePlanInput = inputFromZod('UpdateCarePlanInput', updateCarePlanInput, {
  description: 'Which plan, and what to change; absent fields are kept.',
  extra: (t) => ({
    id: t.globalID({ for: CarePlan, required: true, description: 'The CarePlan to change.' }),
    ...assigneeFields(t, '; null clears it, absent keeps it'),
  }),
});

const CarePlanIdInput = builder.inputType('CarePlanIdInput', {
  description: 'One care plan.',
  fields: (t) => ({ id: t.globalID({ for: CarePlan, required: true, description: 'A CarePlan id.' }) }),
});

const FatigueCap = builder.objectRef<CareSettings['fatigueCap']>('FatigueCap').implement({
  description: 'How often plans may reach one customer, across all plans; what it holds back is recorded as skipped.',
  fields: (t) => ({
    maxTouchpoints: t.exposeInt('maxTouchpoints', { description: 'At most this many planned touchpoints per customer…' }),
    perDays: t.exposeInt('perDays', { description: '…in any this many days.' }),
  }),
});

const CareHoliday = builder.objectRef<Holiday>('CareHoliday').implement({
  description: 'A holiday greetings can be planned on (ANNUAL_DATE by holiday key).',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'What plans name it by.' }),
    name: t.exposeString('name', { description: 'Its name for people.' }),
    month: t.int({ nullable: true, description: 'A fixed-date holiday: the month; null for one with dates.', resolve: (h) => ('month' in h ? h.month : null) }),
    day: t.int({ nullable: true, description: 'A fixed-date holiday: the day; null for one with dates.', resolve: (h) => ('day' in h ? h.day : null) }),
    dates: t.field({ type: ['Date'], description: 'A moving holiday: its dates, in order; empty for a fixed-date one.', resolve: (h) => ('dates' in h ? h.dates : []) }),
  }),
});

const CareSettingsRef = builder.objectRef<CareSettings>('CareSettings').implement({
  description: 'How care plans behave across the organization.',
  fields: (t) => ({
    timeZone: t.exposeString('timeZone', { description: 'The organization’s IANA time zone, for customers without their own.' }),
    fatigueCap: t.field({ type: FatigueCap, description: 'The fatigue cap (default 2 per 7 days).', resolve: (s) => s.fatigueCap }),
    holidays: t.field({ type: [CareHoliday], description: 'The holiday list, as given.', resolve: (s) => s.holidays }),
  }),
});

const UpdateCareSettingsInput = inputFromZod('UpdateCareSettingsInput', careSettingsInput, {
  description: 'The parts of the care settings to change; an omitted part keeps its value.',
});

builder.queryFields((t) => ({
  carePlans: t.drizzleConnection(
    {
      type: 'carePlans',
      description: "The organization's care plans, oldest first.",
      authScopes: { read: true },
      maxSize: maxPageSize,
      args: { filter: t.arg({ type: CarePlanFilter, description: 'Only plans matching it; all without it.' }) },
      totalCount: (_root, args, ctx) => countCarePlans(tenantOf(ctx), { active: args.filter?.active }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.query.carePlans.findMany(
          query({
            where: { RAW: (table) => carePlanFilterSql(table, orgIdOf(ctx), { active: args.filter?.active }) },
            orderBy: { createdAt: 'asc', id: 'asc' },
          }),
        ),
    },
    { name: 'CarePlanConnection' },
    { name: 'CarePlanEdge' },
  ),
  careSettings: t.field({
    type: CareSettingsRef,
    description: "The organization's care settings (the defaults for what it has not set).",
    authScopes: { read: true },
    resolve: (_root, _args, ctx) => careSettings(tenantOf(ctx)),
  }),
}));

const mutation = { authScopes: { write: true }, errors: mutationErrorOptions } as const;
const decoded = (id: { id: string } | null | undefined) => (id === undefined ? undefined : (id?.id ?? null));

builder.mutationFields((t) => ({
  createCarePlan: t.field({
    ...mutation,
    type: CarePlan,
    description: 'Creates a care plan (active unless active is false); a name another plan has is a ConflictError.',
    args: { input: t.arg({ type: CreateCarePlanInput, required: true, description: 'The new plan.' }) },
    resolve: (_root, { input: { assigneeAgentId, assigneeTeamId, ...plan } }, ctx) =>
      createCarePlan(tenantOf(ctx), plan, { agentId: assigneeAgentId?.id ?? null, teamId: assigneeTeamId?.id ?? null }),
  }),
  updateCarePlan: t.field({
    ...mutation,
    type: CarePlan,
    description: 'Changes a care plan: the trigger whole, the other parts field by field; absent fields are kept.',
    args: { input: t.arg({ type: UpdateCarePlanInput, required: true, description: 'The plan and what to change.' }) },
    resolve: (_root, { input: { id, assigneeAgentId, assigneeTeamId, ...patch } }, ctx) =>
      updateCarePlan(tenantOf(ctx), id.id, patch, { agentId: decoded(assigneeAgentId), teamId: decoded(assigneeTeamId) }),
  }),
  activateCarePlan: t.field({
    ...mutation,
    type: CarePlan,
    description: 'Resumes a paused plan; an active one is returned unchanged.',
    args: { input: t.arg({ type: CarePlanIdInput, required: true, description: 'The plan.' }) },
    resolve: (_root, args, ctx) => setCarePlanActive(tenantOf(ctx), args.input.id.id, true),
  }),
  deactivateCarePlan: t.field({
    ...mutation,
    type: CarePlan,
    description: 'Pauses a plan: no new occurrences; a paused one is returned unchanged.',
    args: { input: t.arg({ type: CarePlanIdInput, required: true, description: 'The plan.' }) },
    resolve: (_root, args, ctx) => setCarePlanActive(tenantOf(ctx), args.input.id.id, false),
  }),
  updateCareSettings: t.field({
    type: CareSettingsRef,
    description: 'Changes the organization’s time zone, the fatigue cap or the holiday list (admin scope).',
    authScopes: { admin: true },
    errors: mutationErrorOptions,
    args: { input: t.arg({ type: UpdateCareSettingsInput, required: true, description: 'What to change.' }) },
    resolve: (_root, args, ctx) => updateCareSettings(tenantOf(ctx), args.input),
  }),
}));
