import { builder } from '../builder.ts';
import { siteTenantOf, tenantOf } from '../context.ts';
import { FeedbackReceipt } from '../feedback/receipt.ts';
import { SubmissionContextInput } from '../intake/submission.schema.ts';
import { mutationErrorOptions } from '../shared/common.schema.ts';
import { localizeSurvey, type LocalizedSurvey } from './surveys.localize.ts';
import { findActiveSurvey, submitSurveyResponse } from './responses.service.ts';
import { QuestionTypeEnum, SurveyKindEnum } from './survey-enums.ts';
import { answerScales, scaleText } from '../shared/scales.ts';
import { surveyLimits } from './surveys.input.ts';

type PublicQuestionShape = LocalizedSurvey['questions'][number];

const PublicOption = builder.objectRef<PublicQuestionShape['options'][number]>('PublicOption').implement({
  description: 'One option of a choice question, in the locale served.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Answer with this id.' }),
    label: t.exposeString('label', { description: 'The label to show.' }),
  }),
});

const PublicQuestion = builder.objectRef<PublicQuestionShape>('PublicQuestion').implement({
  description: 'A live question as a widget shows it, in the locale served.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Answer with this id in SurveyAnswerInput.questionId.' }),
    type: t.expose('type', { type: QuestionTypeEnum, description: 'How it is answered.' }),
    label: t.exposeString('label', { description: 'The question to show.' }),
    required: t.exposeBoolean('required', { description: 'Whether a response must answer it.' }),
    options: t.field({
      type: [PublicOption],
      description: 'The options still offered, for choice questions; empty otherwise.',
      resolve: (q) => q.options,
    }),
  }),
});

const PublicSurvey = builder.objectRef<LocalizedSurvey>('PublicSurvey').implement({
  description: 'An active survey as a widget renders it, in one locale.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The key the widget named it by.' }),
    kind: t.expose('kind', { type: SurveyKindEnum, description: 'What it measures.' }),
    locale: t.exposeString('locale', {
      description: "The locale served: the requested one, its language, or the survey's default.",
    }),
    title: t.exposeString('title', { description: 'The title to show.' }),
    thankYou: t.exposeString('thankYou', { nullable: true, description: 'Shown after a response; null for the widget’s own text.' }),
    questions: t.field({ type: [PublicQuestion], description: 'The live questions, in order.', resolve: (s) => s.questions }),
  }),
});

const SurveyAnswerInput = builder.inputType('SurveyAnswerInput', {
  description: 'The answer to one question.',
  fields: (t) => ({
    questionId: t.string({ required: true, description: 'PublicQuestion.id of the question answered.' }),
    value: t.field({
      type: 'JSON',
      required: true,
      description: `A whole number for RATING (${scaleText(answerScales.rating)}), NPS (${scaleText(answerScales.nps)}) and CES (${scaleText(answerScales.ces)}); an option id for SINGLE_CHOICE; option ids for MULTIPLE_CHOICE; a string of at most ${surveyLimits.answerText} characters for TEXT; a boolean for YES_NO.`,
    }),
  }),
});

const SubmitSurveyResponseInput = builder.inputType('SubmitSurveyResponseInput', {
  description: 'A response to an active survey, as a widget sends it.',
  fields: (t) => ({
    surveyKey: t.string({ required: true, description: 'The key of the survey answered.' }),
    answers: t.field({
      type: [SurveyAnswerInput],
      required: true,
      description: `One per question answered, at most ${surveyLimits.questions}; every required question needs one.`,
    }),
    idempotencyKey: t.string({ required: true, description: 'A UUID made by the widget; a retry with the same key returns the first receipt.' }),
    customerToken: t.string({ description: "A JWT (HS256) signed with the site's identity secret; omit for anonymous responses." }),
    context: t.field({ type: SubmissionContextInput, description: 'Where the widget was.' }),
    locale: t.string({ description: 'The language the widget showed, e.g. zh-CN.' }),
  }),
});

builder.queryFields((t) => ({
  publicSurvey: t.field({
    type: PublicSurvey,
    nullable: true,
    authScopes: { site: true },
    description: "An active survey of the site's organization, or null.",
    args: {
      key: t.arg.string({ required: true, description: 'The survey key.' }),
      locale: t.arg.string({ description: "The locale wanted; falls back to its language, then to the survey's default." }),
    },
    resolve: async (_root, args, ctx) => {
      const survey = await findActiveSurvey(tenantOf(ctx), args.key);
      return survey ? localizeSurvey(survey, args.locale) : null;
    },
  }),
}));

builder.mutationFields((t) => ({
  submitSurveyResponse: t.field({
    type: FeedbackReceipt,
    description: 'Public: a survey response from a widget. A retry with the same idempotencyKey returns the same receipt.',
    authScopes: { site: true },
    errors: mutationErrorOptions,
    args: { input: t.arg({ type: SubmitSurveyResponseInput, required: true, description: 'The response.' }) },
    resolve: (_root, args, ctx) => submitSurveyResponse(siteTenantOf(ctx), args.input),
  }),
}));
