import { builder } from '../../builder.ts';
import { siteTenantOf, tenantOf } from '../../context.ts';
import { complaintMessageAuthors, complaintMessageKinds, recoveryActionTypes } from '../../db/tables/index.ts';
import { EventVisibility } from '../../events/events.schema.ts';
import { Agent, Team } from '../../care-team/care-team.schema.ts';
import { ErrorInterface, mutationErrors, resultData } from '../../shared/common.schema.ts';
import { enumOf } from '../../shared/enums.ts';
import { InvalidTransitionError } from '../../shared/errors.ts';
import { inputFromZod, type InputFields } from '../../shared/zod-input.ts';
import { Complaint, ComplaintStatus, ComplaintStatusView } from '../complaints.schema.ts';
import {
  assignInput,
  confirmInput,
  replyInput,
  noteInput,
  noteVisibilities,
  recoveryInput,
  reopenInput,
  requestInfoInput,
  resolveInput,
  transferInput,
  triageInput,
} from './lifecycle.input.ts';
import {
  acknowledgeComplaint,
  addComplaintNote,
  assignComplaint,
  closeComplaint,
  recordRecoveryAction,
  reopenComplaint,
  requestCustomerInfo,
  resolveComplaint,
  transferComplaint,
  triageComplaint,
  type StaffTarget,
} from './lifecycle.service.ts';
import { confirmComplaintResolution, replyToComplaint } from './public.service.ts';

builder.objectType(InvalidTransitionError, {
  name: 'InvalidTransitionError',
  description: 'The complaint cannot make this move from its current status: nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InvalidTransitionError,
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What was refused and why, in English, for people.' }),
    action: t.exposeString('action', { description: 'The mutation that was refused, e.g. closeComplaint.' }),
    currentStatus: t.field({ type: ComplaintStatus, description: 'Where the complaint is now.', resolve: (e) => e.currentStatus as never }),
    allowedStatuses: t.field({
      type: [ComplaintStatus],
      description: 'The statuses the action is allowed from.',
      resolve: (e) => e.allowedStatuses as never,
    }),
  }),
});

/** The errors every lifecycle mutation may return: the common ones and the refused transition. */
export const lifecycleErrorOptions = { types: [...mutationErrors, InvalidTransitionError], dataField: resultData };

export const ComplaintNoteVisibility = enumOf('ComplaintNoteVisibility', noteVisibilities, {
  description: 'Who reads a note.',
  values: { internal: 'Staff only: never on the customer’s timeline.', customer: 'Also the customer: an update on their timeline.' },
});

export const RecoveryActionType = enumOf('RecoveryActionType', recoveryActionTypes, {
  description: 'Service recovery (服务补救): what the company did to put things right.',
  values: {
    apology: 'An apology.',
    repair: 'The product was repaired.',
    replacement: 'The product was replaced.',
    refund: 'Money was paid back.',
    compensation: 'Compensation beyond a refund (a voucher, a credit).',
    gift: 'A gift as a gesture.',
    other: 'Anything else.',
  },
});

const ComplaintMessageKind = enumOf('ComplaintMessageKind', complaintMessageKinds, {
  description: 'What a message of a complaint is.',
  values: {
    note: 'A staff note (internal, or an update for the customer), or the reason of an assignment or transfer.',
    info_request: 'Staff asked the customer for information.',
    reply: 'The customer’s reply.',
    resolution: 'What staff did to resolve it.',
    reopen_reason: 'Why it was reopened (staff: internal; the customer’s “not solved”: public).',
    confirmation_comment: 'The customer’s comment when confirming the resolution.',
  },
});

const ComplaintMessageAuthor = enumOf('ComplaintMessageAuthor', complaintMessageAuthors, {
  description: 'Who wrote a message.',
  values: { agent: 'Staff, through the API (the agent when the mutation named one).', customer: 'The customer, through the widget.', system: 'careloop itself.' },
});

export const ComplaintMessage = builder.drizzleObject('complaintMessages', {
  name: 'ComplaintMessage',
  description: 'One message of a complaint’s conversation: events carry its id, the words live here.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The message id (a UUID): the messageId of its event.' }),
    kind: t.expose('kind', { type: ComplaintMessageKind, description: 'What it is.' }),
    authorType: t.expose('authorType', { type: ComplaintMessageAuthor, description: 'Who wrote it.' }),
    agent: t.relation('agent', { nullable: true, description: 'The agent who wrote it, when the mutation named one.' }),
    visibility: t.expose('visibility', { type: EventVisibility, description: 'PUBLIC: on the customer’s timeline; INTERNAL: staff only.' }),
    body: t.exposeString('body', { description: 'The words.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was written.' }),
  }),
});

export const ComplaintRecoveryAction = builder.drizzleObject('complaintRecoveryActions', {
  name: 'ComplaintRecoveryAction',
  description: 'One service recovery action recorded on a complaint.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The action id (a UUID): the recoveryActionId of its event.' }),
    type: t.expose('type', { type: RecoveryActionType, description: 'What kind.' }),
    description: t.exposeString('description', { description: 'What was done.' }),
    valueCents: t.exposeInt('valueCents', { nullable: true, description: 'Its value in the currency’s minor unit; null without one.' }),
    currency: t.exposeString('currency', { nullable: true, description: 'ISO 4217 code of valueCents; null without one.' }),
    agent: t.relation('agent', { nullable: true, description: 'The agent who recorded it, when the mutation named one.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded.' }),
  }),
});

builder.drizzleObjectFields('complaints', (t) => ({
  messages: t.relation('messages', {
    type: ComplaintMessage,
    description: 'Its conversation in the order it was written: public and internal messages (staff read).',
    query: { orderBy: { position: 'asc' } },
  }),
  recoveryActions: t.relation('recoveryActions', {
    type: ComplaintRecoveryAction,
    description: 'The service recovery recorded on it, oldest first.',
    query: { orderBy: { createdAt: 'asc', id: 'asc' } },
  }),
}));

builder.drizzleObjectField('events', 'actingAgent', (t) =>
  t.relation('actingAgent', {
    nullable: true,
    description: 'The agent the API key acted for (the mutation’s actorAgentId); null when none was named.',
  }),
);

/** The fields every staff lifecycle input starts with. */
const target = (t: InputFields) => ({
  complaintId: t.globalID({ for: Complaint, required: true, description: 'The Complaint.' }),
  actorAgentId: t.globalID({
    for: Agent,
    description: 'The active Agent of this organization doing it; the event records the API key as actor and this agent.',
  }),
});

const bareInput = (name: string, description: string) =>
  builder.inputType(name, { description, fields: (t) => target(t) });

const AcknowledgeComplaintInput = bareInput('AcknowledgeComplaintInput', 'The complaint the care team has seen.');
const CloseComplaintInput = bareInput('CloseComplaintInput', 'The resolved complaint to close without the customer’s confirmation.');
const TriageComplaintInput = inputFromZod('TriageComplaintInput', triageInput, { description: 'Triage of a complaint.', extra: target });
const AssignComplaintInput = inputFromZod('AssignComplaintInput', assignInput, {
  description: 'Who handles the complaint.',
  extra: (t) => ({ ...target(t), agentId: t.globalID({ for: Agent, required: true, description: 'The active Agent to assign; their team comes along.' }) }),
});
const TransferComplaintInput = inputFromZod('TransferComplaintInput', transferInput, {
  description: 'Where the complaint goes next: exactly one of toAgentId and toTeamId, and why.',
  extra: (t) => ({
    ...target(t),
    toAgentId: t.globalID({ for: Agent, description: 'To this active Agent (and their team).' }),
    toTeamId: t.globalID({ for: Team, description: 'To this Team’s queue, without an assignee.' }),
  }),
});
const AddComplaintNoteInput = inputFromZod('AddComplaintNoteInput', noteInput, { description: 'A note on a complaint.', extra: target });
const RequestCustomerInfoInput = inputFromZod('RequestCustomerInfoInput', requestInfoInput, {
  description: 'A question for the customer.',
  extra: target,
});
const RecordRecoveryActionInput = inputFromZod('RecordRecoveryActionInput', recoveryInput, {
  description: 'A service recovery action.',
  extra: target,
});
const ResolveComplaintInput = inputFromZod('ResolveComplaintInput', resolveInput, { description: 'The resolution.', extra: target });
const ReopenComplaintInput = inputFromZod('ReopenComplaintInput', reopenInput, { description: 'A complaint to reopen.', extra: target });

const staff = { type: Complaint, authScopes: { write: true }, errors: lifecycleErrorOptions } as const;

const targetOf = (input: { complaintId: { id: string }; actorAgentId?: { id: string } | null }): StaffTarget => ({
  complaintId: input.complaintId.id,
  actorAgentId: input.actorAgentId?.id ?? null,
});

/** The complaint after the change, for the selection (its relations load as the read asks). */
const reload = (ctx: Parameters<typeof tenantOf>[0], id: string) =>
  ctx.db.query.complaints.findFirst({ where: { id, orgId: tenantOf(ctx).orgId } }).then((row) => row!);

builder.mutationFields((t) => ({
  acknowledgeComplaint: t.field({
    ...staff,
    description: 'NEW → ACKNOWLEDGED: the care team has seen it (public: “Received by our team”).',
    args: { input: t.arg({ type: AcknowledgeComplaintInput, required: true, description: 'The complaint.' }) },
    resolve: async (_root, { input }, ctx) => reload(ctx, await acknowledgeComplaint(tenantOf(ctx), targetOf(input))),
  }),
  triageComplaint: t.field({
    ...staff,
    description: 'Sets severity, complainant type and (optionally) category; IRATE, ACTIVIST or CRITICAL escalate it. Not after RESOLVED.',
    args: { input: t.arg({ type: TriageComplaintInput, required: true, description: 'The triage.' }) },
    resolve: async (_root, { input: { complaintId, actorAgentId, ...triage } }, ctx) =>
      reload(ctx, await triageComplaint(tenantOf(ctx), targetOf({ complaintId, actorAgentId }), triage)),
  }),
  assignComplaint: t.field({
    ...staff,
    description: 'Assigns an agent (and their team); NEW, ACKNOWLEDGED or REOPENED move to IN_PROGRESS.',
    args: { input: t.arg({ type: AssignComplaintInput, required: true, description: 'The complaint and agent.' }) },
    resolve: async (_root, { input: { complaintId, actorAgentId, agentId, ...rest } }, ctx) =>
      reload(ctx, await assignComplaint(tenantOf(ctx), targetOf({ complaintId, actorAgentId }), agentId.id, rest)),
  }),
  transferComplaint: t.field({
    ...staff,
    description: 'Moves an assigned complaint to another agent or team, with a reason (required); counted in transferCount.',
    args: { input: t.arg({ type: TransferComplaintInput, required: true, description: 'The complaint, where to, and why.' }) },
    resolve: async (_root, { input: { complaintId, actorAgentId, toAgentId, toTeamId, ...rest } }, ctx) =>
      reload(
        ctx,
        await transferComplaint(tenantOf(ctx), targetOf({ complaintId, actorAgentId }), { toAgentId: toAgentId?.id, toTeamId: toTeamId?.id }, rest),
      ),
  }),
  addComplaintNote: t.field({
    ...staff,
    description: 'An internal note (staff only) or an update the customer sees on their timeline.',
    args: { input: t.arg({ type: AddComplaintNoteInput, required: true, description: 'The note.' }) },
    resolve: async (_root, { input: { complaintId, actorAgentId, ...note } }, ctx) =>
      reload(ctx, await addComplaintNote(tenantOf(ctx), targetOf({ complaintId, actorAgentId }), note)),
  }),
  requestCustomerInfo: t.field({
    ...staff,
    description: 'IN_PROGRESS → AWAITING_CUSTOMER with a question shown on the customer’s timeline; they answer with replyToComplaint.',
    args: { input: t.arg({ type: RequestCustomerInfoInput, required: true, description: 'The question.' }) },
    resolve: async (_root, { input: { complaintId, actorAgentId, ...request } }, ctx) =>
      reload(ctx, await requestCustomerInfo(tenantOf(ctx), targetOf({ complaintId, actorAgentId }), request)),
  }),
  recordRecoveryAction: t.field({
    ...staff,
    description: 'Records service recovery: an apology, repair, replacement, refund, compensation or gift (internal).',
    args: { input: t.arg({ type: RecordRecoveryActionInput, required: true, description: 'The action.' }) },
    resolve: async (_root, { input: { complaintId, actorAgentId, ...action } }, ctx) =>
      reload(ctx, await recordRecoveryAction(tenantOf(ctx), targetOf({ complaintId, actorAgentId }), action)),
  }),
  resolveComplaint: t.field({
    ...staff,
    description: 'IN_PROGRESS or AWAITING_CUSTOMER → RESOLVED, with the resolution on the customer’s timeline; they then confirm.',
    args: { input: t.arg({ type: ResolveComplaintInput, required: true, description: 'The resolution.' }) },
    resolve: async (_root, { input: { complaintId, actorAgentId, ...resolution } }, ctx) =>
      reload(ctx, await resolveComplaint(tenantOf(ctx), targetOf({ complaintId, actorAgentId }), resolution)),
  }),
  closeComplaint: t.field({
    ...staff,
    description: 'RESOLVED → CLOSED without the customer’s confirmation; sets followUpDueAt (the org’s followUpDays, default 3).',
    args: { input: t.arg({ type: CloseComplaintInput, required: true, description: 'The complaint.' }) },
    resolve: async (_root, { input }, ctx) => reload(ctx, await closeComplaint(tenantOf(ctx), targetOf(input))),
  }),
  reopenComplaint: t.field({
    ...staff,
    description: 'RESOLVED or CLOSED → REOPENED, with an internal reason; counted in reopenCount.',
    args: { input: t.arg({ type: ReopenComplaintInput, required: true, description: 'The complaint and why.' }) },
    resolve: async (_root, { input: { complaintId, actorAgentId, ...reopen } }, ctx) =>
      reload(ctx, await reopenComplaint(tenantOf(ctx), targetOf({ complaintId, actorAgentId }), reopen)),
  }),
}));

const ReplyToComplaintInput = inputFromZod('ReplyToComplaintInput', replyInput, {
  description: 'The customer’s reply, with the reference and tracking code of the receipt.',
});
const ConfirmComplaintResolutionInput = inputFromZod('ConfirmComplaintResolutionInput', confirmInput, {
  description: 'The customer’s answers after RESOLVED: about the matter (solved) and about the person (agentRating).',
});

const publicMutation = { type: ComplaintStatusView, authScopes: { site: true }, errors: lifecycleErrorOptions } as const;

builder.mutationFields((t) => ({
  replyToComplaint: t.field({
    ...publicMutation,
    description:
      'Public: the customer replies (AWAITING_CUSTOMER → IN_PROGRESS; while open, adds to it). Refused once RESOLVED or CLOSED (InvalidTransitionError). A wrong code is NotFoundError, like an unknown reference; a retry with the same idempotencyKey returns the view again.',
    args: { input: t.arg({ type: ReplyToComplaintInput, required: true, description: 'The reply.' }) },
    resolve: (_root, args, ctx) => replyToComplaint(siteTenantOf(ctx), args.input),
  }),
  confirmComplaintResolution: t.field({
    ...publicMutation,
    description:
      'Public, only while RESOLVED: solved closes the complaint; not solved reopens it with the reason (counted in reopenCount). A retry with the same idempotencyKey returns the view again.',
    args: { input: t.arg({ type: ConfirmComplaintResolutionInput, required: true, description: 'The answers.' }) },
    resolve: (_root, args, ctx) => confirmComplaintResolution(siteTenantOf(ctx), args.input),
  }),
}));
