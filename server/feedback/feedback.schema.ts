import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.ts';
import { Customer } from '../customers/customers.schema.ts';
import { Site } from '../sites/sites.schema.ts';
import { Survey } from '../surveys/surveys.schema.ts';
import { orgIdOf, siteTenantOf, tenantOf } from '../context.ts';
import { feedbackKinds, unsolvedReasons } from '../db/tables/index.ts';
import { SubmissionContextType } from '../intake/submission.schema.ts';
import { inputFromZod } from '../shared/zod-input.ts';
import { mutationErrorOptions } from '../shared/common.schema.ts';
import { enumOf } from '../shared/enums.ts';
import { countFeedback, feedbackFilterSql } from './feedback.service.ts';
import { FeedbackReceipt } from './receipt.ts';
import { agentRatingScale, answerScales, scaleText } from '../shared/scales.ts';
import { resolutionCheckInput, submitResolutionCheck } from './resolution-checks.service.ts';

const FeedbackKind = enumOf('FeedbackKind', feedbackKinds, {
  description: 'What kind of feedback it is.',
  values: {
    survey_response: 'A response to a survey.',
    resolution_check: 'An answer to "did this solve your problem?".',
  },
});
const UnsolvedReason = enumOf('UnsolvedReason', unsolvedReasons, {
  description: 'Why a resolution check answered "no".',
  values: {
    not_solved: 'The problem is not solved.',
    incomplete: 'Partly solved: something is still missing.',
    wrong_answer: 'The answer was about something else.',
    too_slow: 'Solved, but too late.',
    other: 'Another reason; the comment may say which.',
  },
});

const FeedbackAnswer = builder
  .objectRef<{ questionId: string; value: unknown }>('FeedbackAnswer')
  .implement({
    description: "One answer of a survey response, as submitted.",
    fields: (t) => ({
      questionKey: t.exposeString('questionId', { description: 'SurveyQuestion.key of the question answered.' }),
      value: t.field({ type: 'JSON', description: 'The answer value; its shape follows the QuestionType.', resolve: (a) => a.value }),
    }),
  });

export const Feedback = builder.drizzleNode('feedback', {
  name: 'Feedback',
  description: 'A survey response or a resolution check ("did this solve your problem?").',
  id: { column: (f) => f.id },
  fields: (t) => ({
    kind: t.expose('kind', { type: FeedbackKind, description: 'A survey response or a resolution check.' }),
    customer: t.relation('customer', { nullable: true, description: 'Only when a valid customer token identified them.' }),
    survey: t.relation('survey', { nullable: true, description: 'The survey answered; null for a resolution check.' }),
    siteId: t.field({
      type: 'ID',
      nullable: true,
      description: 'The Site (its id) whose widget sent it.',
      select: { columns: { siteId: true } },
      resolve: (f) => (f.siteId ? encodeGlobalID('Site', f.siteId) : null),
    }),
    subject: t.exposeString('subject', {
      nullable: true,
      description: 'What a resolution check judges: a page URL, article:<id>, answer:<id> or a complaint reference.',
    }),
    solved: t.exposeBoolean('solved', { nullable: true, description: 'A resolution check: whether the matter is solved.' }),
    reason: t.expose('reason', { type: UnsolvedReason, nullable: true, description: 'Why not, when solved is false.' }),
    comment: t.exposeString('comment', { nullable: true, description: 'Free text the person added.' }),
    agentRating: t.exposeInt('agentRating', {
      nullable: true,
      description: `${scaleText(agentRatingScale)}, for the agent named in the context.`,
    }),
    answers: t.field({
      type: [FeedbackAnswer],
      description: 'Survey answers; empty for a resolution check.',
      select: { columns: { answers: true } },
      resolve: (f) => f.answers ?? [],
    }),
    score: t.exposeFloat('score', {
      nullable: true,
      description: `CSAT ${scaleText(answerScales.rating)}, NPS ${scaleText(answerScales.nps)} or CES ${scaleText(answerScales.ces)}.`,
    }),
    context: t.field({
      type: SubmissionContextType,
      nullable: true,
      description: 'Where it came from.',
      select: { columns: { context: true } },
      resolve: (f) => f.context,
    }),
    locale: t.exposeString('locale', { nullable: true, description: 'The language the widget showed.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was received.' }),
  }),
});

const FeedbackFilter = builder.inputType('FeedbackFilter', {
  description: 'Every given condition must hold.',
  fields: (t) => ({
    kind: t.field({ type: FeedbackKind, description: 'Only this kind.' }),
    surveyId: t.globalID({ for: Survey, description: 'Only responses to this Survey (its id).' }),
    subject: t.string({ description: 'Exact match, e.g. a page URL or article:<id>.' }),
    solved: t.boolean({ description: 'Only resolution checks with this answer.' }),
    customerId: t.globalID({ for: Customer, description: 'Only feedback of this Customer (its id).' }),
    siteId: t.globalID({ for: Site, description: 'Only feedback sent from this Site (its id).' }),
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
      args: { filter: t.arg({ type: FeedbackFilter, description: 'Only feedback matching it; all without it.' }) },
      totalCount: (_root, args, ctx) => countFeedback(tenantOf(ctx), args.filter ?? {}),
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
    args: { id: t.arg.globalID({ for: Feedback, required: true, description: 'A Feedback id.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.query.feedback.findFirst(
        query({ where: { id: args.id.id, orgId: orgIdOf(ctx) } }),
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

const SubmitResolutionCheckInput = inputFromZod('SubmitResolutionCheckInput', resolutionCheckInput, {
  description: 'An answer to "did this solve your problem?": the matter (solved), and optionally the person (agentRating).',
});

builder.mutationFields((t) => ({
  submitResolutionCheck: t.field({
    type: FeedbackReceipt,
    description: '"Did this solve your problem?" from a widget. A retry with the same idempotencyKey returns the same receipt.',
    authScopes: { site: true },
    errors: mutationErrorOptions,
    args: { input: t.arg({ type: SubmitResolutionCheckInput, required: true, description: 'The answer.' }) },
    resolve: (_root, args, ctx) => submitResolutionCheck(siteTenantOf(ctx), args.input),
  }),
}));
