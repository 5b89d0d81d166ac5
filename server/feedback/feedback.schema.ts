import { builder } from '../builder.ts';
import { orgIdOf, siteOf } from '../context.ts';
import { feedbackKinds, unsolvedReasons } from '../db/tables/index.ts';
import { SubmissionContextInput, SubmissionContextType } from '../intake/submission.schema.ts';
import { mutationErrors } from '../shared/common.schema.ts';
import { enumOf } from '../shared/enums.ts';
import { decodeId } from '../shared/ids.ts';
import { countFeedback, feedbackFilterSql } from './feedback.service.ts';
import { FeedbackReceipt } from './receipt.ts';
import { submitResolutionCheck } from './resolution-checks.service.ts';

const FeedbackKind = enumOf('FeedbackKind', feedbackKinds);
const UnsolvedReason = enumOf('UnsolvedReason', unsolvedReasons, 'Why a resolution check answered "no".');

const FeedbackAnswer = builder
  .objectRef<{ questionId: string; value: unknown }>('FeedbackAnswer')
  .implement({
    description: "One answer of a survey response, as submitted.",
    fields: (t) => ({
      questionId: t.exposeString('questionId'),
      value: t.field({ type: 'JSON', resolve: (a) => a.value }),
    }),
  });

export const Feedback = builder.drizzleNode('feedback', {
  name: 'Feedback',
  description: 'A survey response or a resolution check ("did this solve your problem?").',
  id: { column: (f) => f.id },
  fields: (t) => ({
    kind: t.expose('kind', { type: FeedbackKind }),
    customer: t.relation('customer', { nullable: true, description: 'Only when a valid customer token identified them.' }),
    survey: t.relation('survey', { nullable: true, description: 'The survey answered; null for a resolution check.' }),
    siteId: t.exposeID('siteId', { nullable: true, description: 'The site whose widget sent it.' }),
    subject: t.exposeString('subject', {
      nullable: true,
      description: 'What a resolution check judges: a page URL, article:<id>, answer:<id> or a complaint reference.',
    }),
    solved: t.exposeBoolean('solved', { nullable: true }),
    reason: t.expose('reason', { type: UnsolvedReason, nullable: true }),
    comment: t.exposeString('comment', { nullable: true }),
    agentRating: t.exposeInt('agentRating', { nullable: true, description: '1–5, for the agent named in the context.' }),
    answers: t.field({
      type: [FeedbackAnswer],
      description: 'Survey answers; empty for a resolution check.',
      select: { columns: { answers: true } },
      resolve: (f) => f.answers ?? [],
    }),
    score: t.exposeFloat('score', { nullable: true, description: 'CSAT 1–5, NPS 0–10 or CES 1–7.' }),
    context: t.field({
      type: SubmissionContextType,
      nullable: true,
      select: { columns: { context: true } },
      resolve: (f) => f.context,
    }),
    locale: t.exposeString('locale', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const FeedbackFilter = builder.inputType('FeedbackFilter', {
  fields: (t) => ({
    kind: t.field({ type: FeedbackKind }),
    surveyId: t.id(),
    subject: t.string({ description: 'Exact match, e.g. a page URL or article:<id>.' }),
    solved: t.boolean(),
    customerId: t.id(),
    siteId: t.id(),
    from: t.field({ type: 'DateTime', description: 'Received at or after (inclusive).' }),
    to: t.field({ type: 'DateTime', description: 'Received before (exclusive).' }),
  }),
});

builder.queryFields((t) => ({
  feedback: t.drizzleConnection(
    {
      type: 'feedback',
      description: 'Feedback received, newest first.',
      authScopes: { read: true },
      args: { filter: t.arg({ type: FeedbackFilter }) },
      totalCount: (_root, args, ctx) => countFeedback(ctx.db, orgIdOf(ctx), args.filter ?? {}),
      resolve: (query, _root, args, ctx) =>
        ctx.db.query.feedback.findMany(
          query({
            where: { RAW: (table) => feedbackFilterSql(table, orgIdOf(ctx), args.filter ?? {}) },
            orderBy: { createdAt: 'desc', id: 'desc' },
          }),
        ),
    },
    { name: 'FeedbackConnection' },
    { name: 'FeedbackEdge' },
  ),
  feedbackItem: t.drizzleField({
    type: 'feedback',
    nullable: true,
    description: 'One piece of feedback by id; null when unknown or of another organization.',
    authScopes: { read: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.query.feedback.findFirst(
        query({ where: { id: decodeId(String(args.id), 'Feedback'), orgId: orgIdOf(ctx) } }),
      ),
  }),
}));

builder.drizzleObjectField('customers', 'feedback', (t) =>
  t.relatedConnection('feedback', {
    description: "This customer's survey responses and resolution checks, newest first.",
    // The org condition is redundant for correct data but lets (org_id, customer_id, created_at) serve the read.
    query: (_args, ctx) => ({ where: { orgId: orgIdOf(ctx) }, orderBy: { createdAt: 'desc', id: 'desc' } }),
    totalCount: true,
  }, { name: 'CustomerFeedbackConnection' }, { name: 'CustomerFeedbackEdge' }),
);

const SubmitResolutionCheckInput = builder.inputType('SubmitResolutionCheckInput', {
  fields: (t) => ({
    subject: t.string({
      required: true,
      description: 'What is judged: a page URL, article:<id>, answer:<id> or a complaint reference.',
    }),
    solved: t.boolean({ required: true, description: 'The matter: solved, or the progress hoped for.' }),
    reason: t.field({ type: UnsolvedReason, description: 'Only when solved is false.' }),
    comment: t.string(),
    agentRating: t.int({ description: 'The person: 1–5 for the agent named in context.agentId.' }),
    idempotencyKey: t.string({ required: true, description: 'A UUID made by the widget; a retry sends the same one.' }),
    customerToken: t.string({ description: "A JWT signed with the site's identity secret; absent means anonymous." }),
    context: t.field({ type: SubmissionContextInput }),
    locale: t.string(),
  }),
});

builder.mutationFields((t) => ({
  submitResolutionCheck: t.field({
    type: FeedbackReceipt,
    description: '"Did this solve your problem?" from a widget. A retry with the same idempotencyKey returns the same receipt.',
    authScopes: { site: true },
    errors: { types: mutationErrors },
    args: { input: t.arg({ type: SubmitResolutionCheckInput, required: true }) },
    resolve: (_root, args, ctx) => submitResolutionCheck(ctx.db, siteOf(ctx), args.input),
  }),
}));
