import { builder } from '../builder.ts';
import { tenantOf } from '../context.ts';
import { Agent, Team } from '../care-team/care-team.schema.ts';
import { Complaint } from '../complaints/complaints.schema.ts';
import { OrderDirection } from '../complaints/inbox/inbox.schema.ts';
import { Customer } from '../customers/customers.schema.ts';
import {
  touchpointChannels,
  touchpointDirections,
  touchpointKinds,
  touchpointSentiments,
  touchpointStages,
  touchpointStatuses,
  touchpoints,
} from '../db/tables/index.ts';
import { Feedback } from '../feedback/feedback.schema.ts';
import { ErrorInterface, mutationErrors, resultData } from '../shared/common.schema.ts';
import { enumOf } from '../shared/enums.ts';
import { maxPageSize } from '../shared/limits.ts';
import { inputFromZod, type InputFields } from '../shared/zod-input.ts';
import { agendaInput, cancelInput, completeInput, logInput, rescheduleInput, scheduleInput, touchpointFilterInput } from './touchpoints.input.ts';
import {
  agendaSql,
  countAgenda,
  countTouchpoints,
  parseTouchpointFilter,
  touchpointFilterSql,
  touchpointOrder,
  type TouchpointOrderField,
} from './touchpoints.queries.ts';
import {
  cancelTouchpoint,
  completeTouchpoint,
  logTouchpoint,
  missTouchpoint,
  rescheduleTouchpoint,
  scheduleTouchpoint,
  type TouchpointRefs,
} from './touchpoints.service.ts';
import { TouchpointTransitionError } from './transitions.ts';

export const TouchpointChannel = enumOf('TouchpointChannel', touchpointChannels, {
  description: 'The channel a touchpoint happens on.',
  values: {
    phone: 'A phone call.',
    sms: 'A text message.',
    email: 'An email.',
    wechat: 'WeChat.',
    qq: 'QQ.',
    web: 'The website (e.g. a chat on it).',
    widget: 'A careloop widget (a survey, the complaint form).',
    in_person: 'Face to face, e.g. in a shop.',
    onsite_visit: 'A visit at the customer’s place.',
    call_center: 'The call center.',
    mail: 'A letter.',
    other: 'Any other channel.',
  },
});

export const TouchpointDirection = enumOf('TouchpointDirection', touchpointDirections, {
  description: 'Who reached out.',
  values: { inbound: 'The customer reached the company.', outbound: 'The company reached the customer.' },
});

export const TouchpointStage = enumOf('TouchpointStage', touchpointStages, {
  description: 'The stage of the customer’s journey a touchpoint belongs to.',
  values: { pre_sale: 'Before the sale.', in_sale: 'During the sale.', after_sale: 'After the sale.' },
});

export const TouchpointKind = enumOf('TouchpointKind', touchpointKinds, {
  description: 'What a touchpoint is.',
  values: {
    follow_up: 'A follow-up visit or call (回访).',
    greeting_birthday: 'A birthday greeting (生日祝福).',
    greeting_holiday: 'A holiday greeting (节日问候).',
    service_visit: 'A service visit.',
    consultation: 'A consultation.',
    offer: 'An offer.',
    complaint_contact: 'A contact about a complaint.',
    survey: 'A survey.',
    other: 'Anything else.',
  },
});

export const TouchpointStatus = enumOf('TouchpointStatus', touchpointStatuses, {
  description: 'Where a touchpoint stands: SCHEDULED → DONE, MISSED or CANCELLED; a MISSED one may be rescheduled.',
  values: {
    scheduled: 'Planned: work for its agent or team.',
    done: 'It happened (logged, or a scheduled one completed).',
    missed: 'It was due and did not happen (e.g. nobody answered).',
    cancelled: 'It will not happen; cancelReason says why.',
  },
});

export const TouchpointSentiment = enumOf('TouchpointSentiment', touchpointSentiments, {
  description: 'How the customer felt.',
  values: { positive: 'Pleased.', neutral: 'Neither pleased nor displeased.', negative: 'Displeased.' },
});

export const Touchpoint = builder.drizzleNode('touchpoints', {
  name: 'Touchpoint',
  description: 'One interaction with a customer (接触点), inbound or outbound, on any channel: logged after the fact or scheduled ahead.',
  id: { column: (t) => t.id },
  fields: (t) => ({
    customer: t.relation('customer', { description: 'Whom it is with.' }),
    channel: t.expose('channel', { type: TouchpointChannel, description: 'The channel.' }),
    direction: t.expose('direction', { type: TouchpointDirection, description: 'Who reached out.' }),
    stage: t.expose('stage', { type: TouchpointStage, nullable: true, description: 'Before, during or after the sale; null when not said.' }),
    kind: t.expose('kind', { type: TouchpointKind, description: 'What it is.' }),
    status: t.expose('status', { type: TouchpointStatus, description: 'Where it stands.' }),
    scheduledFor: t.expose('scheduledFor', { type: 'DateTime', nullable: true, description: 'When it is (was) due; null for one logged after the fact.' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', nullable: true, description: 'When it happened, as told; null until it has.' }),
    recordedAt: t.expose('recordedAt', { type: 'DateTime', description: 'When careloop wrote it (the clock), apart from when it happened.' }),
    overdue: t.boolean({
      description: 'SCHEDULED and due before now: the agenda lists these first.',
      select: { columns: { status: true, scheduledFor: true } },
      resolve: (tp, _args, ctx) => tp.status === 'scheduled' && !!tp.scheduledFor && Date.parse(tp.scheduledFor) < ctx.clock.now().getTime(),
    }),
    durationSeconds: t.exposeInt('durationSeconds', { nullable: true, description: 'How long it took, in seconds.' }),
    agent: t.relation('agent', { nullable: true, description: 'The agent who had (or is to have) it.' }),
    team: t.relation('team', { nullable: true, description: 'The team it belongs to: the agent’s unless another was named.' }),
    summary: t.exposeString('summary', { nullable: true, description: 'What it was (is to be) about; null after erasure.' }),
    outcome: t.exposeString('outcome', { nullable: true, description: 'What came of it; null after erasure.' }),
    sentiment: t.expose('sentiment', { type: TouchpointSentiment, nullable: true, description: 'How the customer felt.' }),
    isPeak: t.exposeBoolean('isPeak', { description: 'Marked as the peak of the experience (peak-end rule: the moments that shape memory).' }),
    isEnd: t.exposeBoolean('isEnd', { description: 'Marked as the end of the experience (peak-end rule).' }),
    automated: t.exposeBoolean('automated', {
      description: 'Sent by a system without a person (e.g. a plan’s birthday message): not counted in Customer.lastContactedAt.',
    }),
    message: t.exposeString('message', {
      nullable: true,
      description: 'An automated touchpoint’s message, rendered in messageLocale, for the company’s systems to deliver; null after erasure.',
    }),
    messageLocale: t.exposeString('messageLocale', { nullable: true, description: 'The locale of message (BCP 47).' }),
    late: t.exposeBoolean('late', { description: 'Created by the care-plan scheduler after its due time (catching up after downtime).' }),
    complaint: t.relation('complaint', { nullable: true, description: 'The complaint it is about.' }),
    feedback: t.relation('feedback', { nullable: true, description: 'The feedback item it is about.' }),
    purchase: t.relation('purchase', { nullable: true, description: 'The purchase it is about.' }),
    planOccurrenceId: t.exposeID('planOccurrenceId', {
      nullable: true,
      description: 'The care-plan occurrence that created it (its UUID); null for one made by hand.',
      deprecationReason: 'Use planOccurrence (the occurrence itself) or carePlan; this UUID is not an id any field takes.',
    }),
    cancelReason: t.exposeString('cancelReason', { nullable: true, description: 'Why it was cancelled; null after erasure.' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true, description: 'When it was recorded as DONE.' }),
    missedAt: t.expose('missedAt', { type: 'DateTime', nullable: true, description: 'When it was last recorded as MISSED.' }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When it was cancelled.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
  }),
});

builder.objectType(TouchpointTransitionError, {
  name: 'TouchpointTransitionError',
  description: 'The touchpoint cannot make this move from its current status (e.g. completing a cancelled one): nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof TouchpointTransitionError,
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What was refused and why, in English, for people.' }),
    action: t.exposeString('action', { description: 'The mutation that was refused, e.g. completeTouchpoint.' }),
    currentStatus: t.field({ type: TouchpointStatus, description: 'Where the touchpoint is now.', resolve: (e) => e.currentStatus }),
    allowedStatuses: t.field({
      type: [TouchpointStatus],
      description: 'The statuses the action is allowed from.',
      resolve: (e) => [...e.allowedStatuses],
    }),
  }),
});

const errors = { types: [...mutationErrors, TouchpointTransitionError], dataField: resultData };

const actorAgent = (t: InputFields) =>
  t.globalID({ for: Agent, description: 'The active Agent of this organization doing it; the event records the API key as actor and this agent.' });

/** The rows a new touchpoint names by global id. */
const parties = (t: InputFields) => ({
  agentId: t.globalID({ for: Agent, description: 'The active Agent who had (or is to have) it.' }),
  teamId: t.globalID({ for: Team, description: 'The Team it belongs to; the agent’s team without it.' }),
  complaintId: t.globalID({ for: Complaint, description: 'The Complaint it is about; of the same customer.' }),
  feedbackId: t.globalID({ for: Feedback, description: 'The Feedback item it is about; of the same customer.' }),
  actorAgentId: actorAgent(t),
});

const LogTouchpointInput = inputFromZod('LogTouchpointInput', logInput, {
  description: 'A touchpoint that happened: the customer by customerId or by identity (exactly one).',
  extra: (t) => ({ customerId: t.globalID({ for: Customer, description: 'The Customer; or give identity instead.' }), ...parties(t) }),
});

const ScheduleTouchpointInput = inputFromZod('ScheduleTouchpointInput', scheduleInput, {
  description: 'A touchpoint to happen.',
  extra: (t) => ({ customerId: t.globalID({ for: Customer, required: true, description: 'The Customer.' }), ...parties(t) }),
});

const target = (t: InputFields) => ({
  id: t.globalID({ for: Touchpoint, required: true, description: 'The Touchpoint.' }),
  actorAgentId: actorAgent(t),
});

const CompleteTouchpointInput = inputFromZod('CompleteTouchpointInput', completeInput, { description: 'A scheduled touchpoint that happened.', extra: target });
const MissTouchpointInput = builder.inputType('MissTouchpointInput', { description: 'A scheduled touchpoint that did not happen.', fields: target });
const CancelTouchpointInput = inputFromZod('CancelTouchpointInput', cancelInput, { description: 'A scheduled touchpoint that will not happen, and why.', extra: target });
const RescheduleTouchpointInput = inputFromZod('RescheduleTouchpointInput', rescheduleInput, {
  description: 'A scheduled or missed touchpoint and its new due time.',
  extra: target,
});

type Id = { id: string } | null | undefined;
const refsOf = (input: { customerId?: Id; agentId?: Id; teamId?: Id; complaintId?: Id; feedbackId?: Id; actorAgentId?: Id }): TouchpointRefs => ({
  customerId: input.customerId?.id,
  agentId: input.agentId?.id,
  teamId: input.teamId?.id,
  complaintId: input.complaintId?.id,
  feedbackId: input.feedbackId?.id,
  actorAgentId: input.actorAgentId?.id,
});

const withoutRefs = <T extends Record<string, unknown>>(input: T) => {
  const { customerId: _c, agentId: _a, teamId: _t, complaintId: _co, feedbackId: _f, actorAgentId: _ac, id: _id, ...rest } = input;
  return rest;
};

const targetOf = (input: { id: { id: string }; actorAgentId?: Id }) => ({ touchpointId: input.id.id, actorAgentId: input.actorAgentId?.id });

const write = { type: Touchpoint, authScopes: { write: true }, errors } as const;

builder.mutationFields((t) => ({
  logTouchpoint: t.field({
    ...write,
    description:
      'Records a touchpoint after the fact (status DONE; occurredAt not in the future). An inbound contact may name the customer by identity: the customer holding that handle, or a new one created with it (once, even when two arrive at once).',
    args: { input: t.arg({ type: LogTouchpointInput, required: true, description: 'The touchpoint.' }) },
    resolve: (_root, { input }, ctx) => logTouchpoint(tenantOf(ctx), refsOf(input), withoutRefs(input)),
  }),
  scheduleTouchpoint: t.field({
    ...write,
    description: 'Plans a touchpoint (status SCHEDULED) for its agent or team; it shows in agenda and touchpoints(filter: { status: SCHEDULED, dueBefore }).',
    args: { input: t.arg({ type: ScheduleTouchpointInput, required: true, description: 'The touchpoint.' }) },
    resolve: (_root, { input }, ctx) => scheduleTouchpoint(tenantOf(ctx), refsOf(input), withoutRefs(input)),
  }),
  completeTouchpoint: t.field({
    ...write,
    description: 'SCHEDULED → DONE, with what came of it; occurredAt is now unless given (not in the future).',
    args: { input: t.arg({ type: CompleteTouchpointInput, required: true, description: 'The touchpoint and its outcome.' }) },
    resolve: (_root, { input }, ctx) => completeTouchpoint(tenantOf(ctx), targetOf(input), withoutRefs(input)),
  }),
  missTouchpoint: t.field({
    ...write,
    description: 'SCHEDULED → MISSED: it was due and did not happen; rescheduleTouchpoint gives it a new time.',
    args: { input: t.arg({ type: MissTouchpointInput, required: true, description: 'The touchpoint.' }) },
    resolve: (_root, { input }, ctx) => missTouchpoint(tenantOf(ctx), targetOf(input)),
  }),
  cancelTouchpoint: t.field({
    ...write,
    description: 'SCHEDULED → CANCELLED, with the reason (kept on the touchpoint, not in the event).',
    args: { input: t.arg({ type: CancelTouchpointInput, required: true, description: 'The touchpoint and why.' }) },
    resolve: (_root, { input }, ctx) => cancelTouchpoint(tenantOf(ctx), targetOf(input), withoutRefs(input)),
  }),
  rescheduleTouchpoint: t.field({
    ...write,
    description: 'A SCHEDULED or MISSED touchpoint gets a new due time (→ SCHEDULED).',
    args: { input: t.arg({ type: RescheduleTouchpointInput, required: true, description: 'The touchpoint and when.' }) },
    resolve: (_root, { input }, ctx) => rescheduleTouchpoint(tenantOf(ctx), targetOf(input), withoutRefs(input)),
  }),
}));

const TouchpointFilter = inputFromZod('TouchpointFilter', touchpointFilterInput, {
  description: 'Which touchpoints to list: every given condition must hold.',
  extra: (t) => ({
    customerId: t.globalID({ for: Customer, description: 'Touchpoints of this Customer.' }),
    agentId: t.globalID({ for: Agent, description: 'Touchpoints of this Agent.' }),
  }),
});

const TouchpointOrderFieldEnum = enumOf('TouchpointOrderField', ['scheduled_for', 'occurred_at', 'recorded_at'] as const, {
  description: 'What a touchpoints list sorts by.',
  values: {
    scheduled_for: 'When it is due (ones never scheduled come last).',
    occurred_at: 'When it happened (ones that have not happened come last).',
    recorded_at: 'When careloop wrote it.',
  },
});

const TouchpointOrder = builder.inputType('TouchpointOrder', {
  description: 'How touchpoints are sorted; ties are broken by id, so pages never skip or repeat one.',
  fields: (t) => ({
    field: t.field({ type: TouchpointOrderFieldEnum, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, description: 'ASC or DESC; without it ASC for SCHEDULED_FOR, DESC otherwise.' }),
  }),
});

type FilterArg = { customerId?: Id; agentId?: Id } & Record<string, unknown>;
type OrderArg = { field: TouchpointOrderField; direction?: 'asc' | 'desc' | null } | null | undefined;

function splitFilter(arg: FilterArg | null | undefined) {
  const { customerId, agentId, ...rest } = arg ?? {};
  return { filter: parseTouchpointFilter(rest), ids: { customerId: customerId?.id, agentId: agentId?.id } };
}

builder.queryFields((t) => ({
  touchpoints: t.drizzleConnection(
    {
      type: 'touchpoints',
      description:
        'The organization’s touchpoints, filtered and sorted; by default newest recorded first, or with status SCHEDULED soonest due first (dueBefore: the work that is due).',
      authScopes: { read: true },
      maxSize: maxPageSize,
      args: {
        filter: t.arg({ type: TouchpointFilter, description: 'Only touchpoints matching it; all without it.' }),
        orderBy: t.arg({ type: TouchpointOrder, description: 'How to sort; see TouchpointOrder for the defaults.' }),
      },
      totalCount: (_root, args, ctx) => {
        const { filter, ids } = splitFilter(args.filter as FilterArg);
        return countTouchpoints(tenantOf(ctx), filter, ids);
      },
      resolve: (query, _root, args, ctx) => {
        const { filter, ids } = splitFilter(args.filter as FilterArg);
        const orgId = tenantOf(ctx).orgId;
        const order = touchpointOrder(filter, args.orderBy as OrderArg);
        return ctx.db.query.touchpoints.findMany(
          query({ where: { RAW: (table: typeof touchpoints) => touchpointFilterSql(table, orgId, filter, ids) }, ...order } as never),
        );
      },
    },
    { name: 'TouchpointConnection' },
    { name: 'TouchpointEdge' },
  ),
  agenda: t.drizzleConnection(
    {
      type: 'touchpoints',
      description:
        'An agent’s SCHEDULED touchpoints due in [from, to), soonest due first: the overdue ones (due before now) lead, and are listed even when due before from.',
      authScopes: { read: true },
      maxSize: maxPageSize,
      args: {
        agentId: t.arg.globalID({ for: Agent, required: true, description: 'The Agent.' }),
        from: t.arg({ type: 'DateTime', description: agendaInput.shape.from.meta()?.description as string }),
        to: t.arg({ type: 'DateTime', description: agendaInput.shape.to.meta()?.description as string }),
      },
      totalCount: (_root, args, ctx) => countAgenda(tenantOf(ctx), args.agentId.id, { from: args.from, to: args.to }),
      resolve: (query, _root, args, ctx) => {
        const tenant = tenantOf(ctx);
        return ctx.db.query.touchpoints.findMany(
          query({
            where: { RAW: (table: typeof touchpoints) => agendaSql(table, tenant, args.agentId.id, { from: args.from, to: args.to }) },
            orderBy: { scheduledFor: 'asc', id: 'asc' },
          }),
        );
      },
    },
    { name: 'AgendaConnection' },
    { name: 'AgendaEdge' },
  ),
}));
