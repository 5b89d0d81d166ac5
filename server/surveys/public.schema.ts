import { builder } from '../builder.ts';
import { orgIdOf, siteOf } from '../context.ts';
import { FeedbackReceipt } from '../feedback/receipt.ts';
import { SubmissionContextInput } from '../intake/submission.schema.ts';
import { mutationErrors } from '../shared/common.schema.ts';
import { localizeSurvey, type LocalizedSurvey } from './locales.ts';
import { findActiveSurvey, submitSurveyResponse } from './responses.service.ts';
import { QuestionTypeEnum, SurveyKindEnum } from './survey-enums.ts';

type PublicQuestionShape = LocalizedSurvey['questions'][number];

const PublicOption = builder.objectRef<PublicQuestionShape['options'][number]>('PublicOption').implement({
  fields: (t) => ({ id: t.exposeString('id'), label: t.exposeString('label') }),
});

const PublicQuestion = builder.objectRef<PublicQuestionShape>('PublicQuestion').implement({
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Answer with this id in SurveyAnswerInput.questionId.' }),
    type: t.expose('type', { type: QuestionTypeEnum }),
    label: t.exposeString('label'),
    required: t.exposeBoolean('required'),
    options: t.field({ type: [PublicOption], resolve: (q) => q.options }),
  }),
});

const PublicSurvey = builder.objectRef<LocalizedSurvey>('PublicSurvey').implement({
  description: 'An active survey as a widget renders it, in one locale.',
  fields: (t) => ({
    key: t.exposeString('key'),
    kind: t.expose('kind', { type: SurveyKindEnum }),
    locale: t.exposeString('locale', {
      description: "The locale served: the requested one, its language, or the survey's default.",
    }),
    title: t.exposeString('title'),
    thankYou: t.exposeString('thankYou', { nullable: true }),
    questions: t.field({ type: [PublicQuestion], resolve: (s) => s.questions }),
  }),
});

const SurveyAnswerInput = builder.inputType('SurveyAnswerInput', {
  fields: (t) => ({
    questionId: t.string({ required: true }),
    value: t.field({
      type: 'JSON',
      required: true,
      description: 'A number for RATING, NPS and CES; an option id for SINGLE_CHOICE; option ids for MULTIPLE_CHOICE; a string for TEXT; a boolean for YES_NO.',
    }),
  }),
});

const SubmitSurveyResponseInput = builder.inputType('SubmitSurveyResponseInput', {
  fields: (t) => ({
    surveyKey: t.string({ required: true }),
    answers: t.field({ type: [SurveyAnswerInput], required: true }),
    idempotencyKey: t.string({ required: true, description: 'A UUID made by the widget; a retry with the same key returns the first receipt.' }),
    customerToken: t.string({ description: "A JWT (HS256) signed with the site's identity secret; omit for anonymous responses." }),
    context: t.field({ type: SubmissionContextInput }),
    locale: t.string(),
  }),
});

builder.queryFields((t) => ({
  publicSurvey: t.field({
    type: PublicSurvey,
    nullable: true,
    authScopes: { site: true },
    description: "An active survey of the site's organization, or null.",
    args: { key: t.arg.string({ required: true }), locale: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const survey = await findActiveSurvey(ctx.db, orgIdOf(ctx), args.key);
      return survey ? localizeSurvey(survey, args.locale) : null;
    },
  }),
}));

builder.mutationFields((t) => ({
  submitSurveyResponse: t.field({
    type: FeedbackReceipt,
    authScopes: { site: true },
    errors: { types: mutationErrors },
    args: { input: t.arg({ type: SubmitSurveyResponseInput, required: true }) },
    resolve: (_root, args, ctx) => submitSurveyResponse(ctx.db, siteOf(ctx), args.input),
  }),
}));
