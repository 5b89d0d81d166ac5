import { builder } from '../builder.ts';
import { orgIdOf, siteOf } from '../context.ts';
import { complaintCategories, complaintStatuses, type ComplaintContact } from '../db/tables/index.ts';
import { SubmissionContextInput, SubmissionContextType } from '../intake/submission.schema.ts';
import { mutationErrors } from '../shared/common.schema.ts';
import { enumOf } from '../shared/enums.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import { decodeId } from '../shared/ids.ts';
import {
  complaintStatus,
  fileComplaint,
  type ComplaintStatusView as StatusView,
  type FiledComplaint as Filed,
} from './complaints.service.ts';

export const ComplaintCategory = enumOf('ComplaintCategory', complaintCategories, 'What a complaint is about.');
export const ComplaintStatus = enumOf('ComplaintStatus', complaintStatuses, "Where a complaint is in its lifecycle.");

const ComplaintContactType = builder.objectRef<ComplaintContact>('ComplaintContact').implement({
  description: 'Contact details the complainant typed: kept as given (normalized), not verified.',
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
  }),
});

const ComplaintEvent = builder.drizzleObject('complaintEvents', {
  name: 'ComplaintEvent',
  description: "One entry of a complaint's history; public entries form the customer's timeline.",
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.exposeString('type'),
    public: t.exposeBoolean('public', { description: 'Shown to the customer by complaintStatus.' }),
    data: t.expose('data', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const Complaint = builder.drizzleNode('complaints', {
  name: 'Complaint',
  description: 'A complaint filed by a customer.',
  id: { column: (c) => c.id },
  fields: (t) => ({
    reference: t.exposeString('reference', { description: 'Public and unambiguous, e.g. C-7K2M-9QXD.' }),
    status: t.expose('status', { type: ComplaintStatus }),
    category: t.expose('category', { type: ComplaintCategory }),
    description: t.exposeString('description'),
    desiredOutcome: t.exposeString('desiredOutcome', { nullable: true }),
    contact: t.expose('contact', { type: ComplaintContactType, nullable: true }),
    customer: t.relation('customer', { nullable: true }),
    context: t.expose('context', { type: SubmissionContextType, nullable: true }),
    locale: t.exposeString('locale', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    history: t.relation('events', {
      type: ComplaintEvent,
      description: 'Every event, oldest first: nothing disappears in a transfer.',
      query: { orderBy: { createdAt: 'asc', id: 'asc' } },
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

const ComplaintContactInput = builder.inputType('ComplaintContactInput', {
  fields: (t) => ({ name: t.string(), email: t.string(), phone: t.string() }),
});

const FileComplaintInput = builder.inputType('FileComplaintInput', {
  fields: (t) => ({
    category: t.field({ type: ComplaintCategory, required: true }),
    description: t.string({ required: true, description: 'What happened: 10 to 10000 characters.' }),
    desiredOutcome: t.string({ description: 'What would put it right, at most 2000 characters.' }),
    contact: t.field({ type: ComplaintContactInput }),
    customerToken: t.string({ description: "A JWT signed with the site's identity secret naming the customer." }),
    context: t.field({ type: SubmissionContextInput }),
    idempotencyKey: t.string({ required: true, description: 'A UUID made by the client; a retry with it returns the first result.' }),
    locale: t.string(),
    website: t.string({ description: 'Leave empty. (Hidden from people; filled in only by bots.)' }),
    elapsedMs: t.int({ description: 'Milliseconds since the form was shown; required.' }),
  }),
});

const FiledComplaint = builder.objectRef<Filed>('FiledComplaint').implement({
  description: 'The receipt of a filed complaint.',
  fields: (t) => ({
    reference: t.exposeString('reference'),
    trackingToken: t.exposeString('trackingToken', {
      description: 'With the reference, lets the customer follow the complaint. Shown once: only its hash is stored.',
    }),
    status: t.expose('status', { type: ComplaintStatus }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ComplaintTimelineEntry = builder.objectRef<StatusView['timeline'][number]>('ComplaintTimelineEntry').implement({
  fields: (t) => ({
    type: t.exposeString('type'),
    at: t.expose('at', { type: 'DateTime' }),
    status: t.expose('status', { type: ComplaintStatus, nullable: true }),
  }),
});

const ComplaintStatusView = builder.objectRef<StatusView>('ComplaintStatusView').implement({
  description: 'What the customer sees of their complaint: no description, contact or internal history.',
  fields: (t) => ({
    reference: t.exposeString('reference'),
    status: t.expose('status', { type: ComplaintStatus }),
    category: t.expose('category', { type: ComplaintCategory }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    timeline: t.field({ type: [ComplaintTimelineEntry], resolve: (view) => view.timeline }),
  }),
});

builder.queryFields((t) => ({
  complaintStatus: t.field({
    type: ComplaintStatusView,
    description: 'Public: a complaint followed by its reference and tracking token.',
    authScopes: { site: true },
    errors: { types: [NotFoundError, ValidationError] },
    args: { reference: t.arg.string({ required: true }), trackingToken: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => complaintStatus(ctx.db, siteOf(ctx), args.reference, args.trackingToken),
  }),
  complaint: t.drizzleField({
    type: 'complaints',
    nullable: true,
    authScopes: { read: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.query.complaints.findFirst(
        query({ where: { id: decodeId(String(args.id), 'Complaint'), orgId: orgIdOf(ctx) } }),
      ),
  }),
}));

builder.mutationFields((t) => ({
  fileComplaint: t.field({
    type: FiledComplaint,
    description: 'Public: files a complaint from a widget.',
    authScopes: { site: true },
    errors: { types: mutationErrors },
    args: { input: t.arg({ type: FileComplaintInput, required: true }) },
    resolve: (_root, args, ctx) => fileComplaint(ctx.db, siteOf(ctx), args.input),
  }),
}));
