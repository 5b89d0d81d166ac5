import { builder } from '../builder.ts';
import { orgIdOf, siteTenantOf } from '../context.ts';
import { complainantTypes, complaintCategories, complaintSeverities, complaintStatuses, type ComplaintContact } from '../db/tables/index.ts';
import { DomainEvent } from '../events/events.schema.ts';
import { SubmissionContextType } from '../intake/submission.schema.ts';
import { inputFromZod } from '../shared/zod-input.ts';
import { mutationErrorOptions, resultData } from '../shared/common.schema.ts';
import { enumOf } from '../shared/enums.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import { fileComplaintInput } from './complaints.input.ts';
import {
  complaintStatus,
  fileComplaint,
  type ComplaintStatusView as StatusView,
  type FiledComplaint as Filed,
} from './complaints.service.ts';

export const ComplaintCategory = enumOf('ComplaintCategory', complaintCategories, {
  description: 'What a complaint is about.',
  values: {
    product_quality: 'The product itself does not do what it should.',
    packaging: 'The packaging: damaged, missing parts, hard to open.',
    defect: 'The product arrived broken or broke in use.',
    misuse: 'Harm or trouble from using the product (e.g. unclear instructions).',
    service_attitude: "The attitude of the company's staff.",
    service_process: "The company's process: waiting, transfers, rules.",
    delivery: 'Late, lost or wrong delivery.',
    billing: 'A wrong charge, invoice or refund.',
    other: 'Anything else.',
  },
});
export const ComplaintStatus = enumOf('ComplaintStatus', complaintStatuses, {
  description: 'Where a complaint is in its lifecycle.',
  values: {
    new: 'Filed, not yet looked at.',
    acknowledged: 'Received: the care team has seen it and will handle it.',
    in_progress: 'Being worked on.',
    awaiting_customer: 'Waiting for an answer from the customer.',
    resolved: 'Resolved by the company; waiting for the customer to confirm.',
    closed: 'Confirmed resolved, or closed without confirmation.',
    reopened: 'The customer said the resolution did not solve it.',
  },
});

export const ComplaintSeverity = enumOf('ComplaintSeverity', complaintSeverities, {
  description: 'How serious a complaint is (set at triage; MEDIUM until then): the SLA targets follow it.',
  values: {
    low: 'Minor: an annoyance with an easy way round it.',
    medium: 'The default: a real problem for the customer.',
    high: 'Serious: money, safety of goods, or a customer at risk of leaving.',
    critical: 'Urgent: harm, legal or public exposure; escalates at once.',
  },
});
export const ComplainantType = enumOf('ComplainantType', complainantTypes, {
  description: 'How the complainant behaves (triage): IRATE and ACTIVIST escalate.',
  values: {
    passive: 'Unlikely to push: says little, may leave silently.',
    voicer: 'Complains to the company and gives it a chance to put things right.',
    irate: 'Angry: likely to tell others; escalates.',
    activist: 'Takes it public or to third parties; can cost the brand dearly; escalates.',
  },
});

const ComplaintContactType = builder.objectRef<ComplaintContact>('ComplaintContact').implement({
  description: 'Contact details the complainant typed: kept as given (normalized), not verified.',
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true, description: 'The name they gave.' }),
    email: t.exposeString('email', { nullable: true, description: 'The email they gave, lower-case.' }),
    phone: t.exposeString('phone', { nullable: true, description: 'The phone number they gave, normalized.' }),
  }),
});

export const Complaint = builder.drizzleNode('complaints', {
  name: 'Complaint',
  description: 'A complaint filed by a customer.',
  id: { column: (c) => c.id },
  // Only the columns its fields read (each exposed column and each field's own `select`), and
  // orgId, which node(id) checks: the inbox reads 50 of them per request, and every column of
  // the row (description, contact, context…) was read, sent and mapped for nothing.
  select: { columns: { orgId: true } },
  fields: (t) => ({
    reference: t.exposeString('reference', { description: 'Public and unambiguous, e.g. C-7K2M-9QXD.' }),
    status: t.expose('status', { type: ComplaintStatus, description: 'Where the complaint is now.' }),
    category: t.expose('category', { type: ComplaintCategory, description: 'What it is about.' }),
    description: t.exposeString('description', { description: 'What happened, in the complainant’s words.' }),
    desiredOutcome: t.exposeString('desiredOutcome', { nullable: true, description: 'What would put it right, in their words.' }),
    contact: t.expose('contact', { type: ComplaintContactType, nullable: true, description: 'Contact details they typed.' }),
    customer: t.relation('customer', {
      nullable: true,
      description: 'Who filed it: set when a valid customer token identified them, or when staff linked a customer (linkComplaintCustomer).',
    }),
    context: t.expose('context', { type: SubmissionContextType, nullable: true, description: 'Where the form was.' }),
    locale: t.exposeString('locale', { nullable: true, description: 'The language the form showed.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was filed: SLAs run from here.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
    history: t.relation('events', {
      type: DomainEvent,
      description: 'Every event of the complaint, public and internal, in sequence: nothing disappears in a transfer.',
      query: { orderBy: { sequence: 'asc' } },
    }),
  }),
});

builder.drizzleObjectField('customers', 'complaints', (t) =>
  t.relatedConnection('complaints', {
    description: "The customer's complaints, newest first.",
    query: { orderBy: { createdAt: 'desc', id: 'desc' } },
    totalCount: true,
  }, { name: 'CustomerComplaintsConnection' }, { name: 'CustomerComplaintsEdge' }),
);

const FileComplaintInput = inputFromZod('FileComplaintInput', fileComplaintInput, { description: 'A complaint as the widget sends it.' });

const FiledComplaint = builder.objectRef<Filed>('FiledComplaint').implement({
  description: 'The receipt of a filed complaint.',
  fields: (t) => ({
    reference: t.exposeString('reference', { description: 'Public and unambiguous, e.g. C-7K2M-9QXD: show it to the customer.' }),
    trackingToken: t.exposeString('trackingToken', {
      description:
        'The tracking code, e.g. 7K2M-9QXD-4HBT-0WZE (16 Crockford base32 characters, 80 bits): with the reference, lets the customer follow the complaint. Shown once: only its hash is stored.',
    }),
    trackingUrl: t.exposeString('trackingUrl', {
      nullable: true,
      description:
        "The site's trackingPageUrl with {reference} and {code} filled in (URL-encoded): the link for the company's confirmation email. Null when the site has no tracking page.",
    }),
    status: t.expose('status', { type: ComplaintStatus, description: 'The status now (NEW when just filed).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was filed.' }),
  }),
});

const ComplaintTimelineEntry = builder.objectRef<StatusView['timeline'][number]>('ComplaintTimelineEntry').implement({
  description: 'One step of progress the customer may see.',
  fields: (t) => ({
    type: t.exposeString('type', { description: 'What happened: an event type, e.g. complaint.filed.' }),
    at: t.expose('at', { type: 'DateTime', description: 'When it happened.' }),
    status: t.expose('status', {
      type: ComplaintStatus,
      nullable: true,
      description: 'The status it left the complaint in; null when it did not change the status.',
    }),
    message: t.exposeString('message', {
      nullable: true,
      description:
        'The words that came with it, for a request for information, an update, the resolution, the customer’s reply or reason for reopening; else null. Never an internal note.',
    }),
  }),
});

export const ComplaintStatusView = builder.objectRef<StatusView>('ComplaintStatusView').implement({
  description: 'What the customer sees of their complaint: no description, contact or internal history.',
  fields: (t) => ({
    reference: t.exposeString('reference', { description: 'The reference the customer gave.' }),
    status: t.expose('status', { type: ComplaintStatus, description: 'Where the complaint is now.' }),
    category: t.expose('category', { type: ComplaintCategory, description: 'What it is about.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was filed.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
    agentName: t.exposeString('agentName', {
      nullable: true,
      description: 'The name of the agent handling it ("Did Mei help you?"); null while nobody is. Never their email.',
    }),
    canReply: t.exposeBoolean('canReply', { description: 'True while the company waits for the customer (AWAITING_CUSTOMER): show a reply box.' }),
    canConfirm: t.exposeBoolean('canConfirm', { description: 'True once RESOLVED: ask whether it is solved and whether the agent helped.' }),
    timeline: t.field({
      type: [ComplaintTimelineEntry],
      description: 'Its public progress, oldest first.',
      resolve: (view) => view.timeline,
    }),
  }),
});

builder.queryFields((t) => ({
  complaintStatus: t.field({
    type: ComplaintStatusView,
    description: 'Public: a complaint followed by its reference and tracking code; a wrong code gets the same NotFoundError as an unknown reference.',
    authScopes: { site: true },
    errors: { types: [NotFoundError, ValidationError], dataField: resultData },
    args: {
      reference: t.arg.string({ required: true, description: 'The reference, e.g. C-7K2M-9QXD (case and dashes are forgiven).' }),
      trackingToken: t.arg.string({ required: true, description: 'The tracking code from the receipt of fileComplaint (case, spaces and dashes are forgiven, O reads as 0, I and L as 1); a complaint filed before the codes keeps its 43-character token.' }),
    },
    resolve: (_root, args, ctx) => complaintStatus(siteTenantOf(ctx), args.reference, args.trackingToken),
  }),
  complaint: t.drizzleField({
    type: 'complaints',
    nullable: true,
    description: 'One complaint by id; null when unknown or of another organization.',
    authScopes: { read: true },
    args: { id: t.arg.globalID({ for: Complaint, required: true, description: 'A Complaint id.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.query.complaints.findFirst(
        query({ where: { id: args.id.id, orgId: orgIdOf(ctx) } }),
      ),
  }),
}));

builder.mutationFields((t) => ({
  fileComplaint: t.field({
    type: FiledComplaint,
    description: 'Public: files a complaint from a widget.',
    authScopes: { site: true },
    errors: mutationErrorOptions,
    args: { input: t.arg({ type: FileComplaintInput, required: true, description: 'The complaint.' }) },
    resolve: (_root, args, ctx) => fileComplaint(siteTenantOf(ctx), args.input),
  }),
}));
