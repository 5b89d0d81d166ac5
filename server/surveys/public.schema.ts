import { builder } from '../builder.ts';
import { siteTenantOf, tenantOf } from '../context.ts';
import { FeedbackReceipt } from '../feedback/receipt.ts';
import { inputFromZod } from '../shared/zod-input.ts';
import { mutationErrorOptions } from '../shared/common.schema.ts';
import { localizeSurvey, type LocalizedSurvey } from './surveys.localize.ts';
import { findActiveSurvey, submitSurveyResponse, submitSurveyResponseInput } from './responses.service.ts';
import { QuestionTypeEnum, SurveyKindEnum } from './survey-enums.ts';

type PublicQuestionShape = LocalizedSurvey['questions'][number];

const PublicOption = builder.objectRef<PublicQuestionShape['options'][number]>('PublicOption').implement({
  description: 'One option of a choice question, in the locale served.',
  fields: (t) => ({
    key: t.exposeString('id', {
      description: 'Answer with this key; unique within its question only (other questions and surveys use the same keys).',
    }),
    label: t.exposeString('label', { description: 'The label to show.' }),
  }),
});

const PublicQuestion = builder.objectRef<PublicQuestionShape>('PublicQuestion').implement({
  description: 'A live question as a widget shows it, in the locale served.',
  fields: (t) => ({
    key: t.exposeString('id', {
      description: 'Answer with this key in SurveyAnswerInput.questionKey; unique within its survey only (other surveys use the same keys).',
    }),
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

const SubmitSurveyResponseInput = inputFromZod('SubmitSurveyResponseInput', submitSurveyResponseInput, {
  description: 'A response to an active survey, as a widget sends it.',
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
