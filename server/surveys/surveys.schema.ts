import { builder } from '../builder.ts';
import { orgIdOf } from '../context.ts';
import type { LocalizedText } from '../db/tables/index.ts';
import { mutationErrors } from '../shared/common.schema.ts';
import { decodeId } from '../shared/ids.ts';
import { fallbackChain, pickText } from './locales.ts';
import './public.schema.ts';
import { QuestionTypeEnum, SurveyKindEnum, SurveyStatusEnum } from './survey-enums.ts';
import type { StoredOption, StoredQuestion } from './surveys.questions.ts';
import { archiveSurvey, countSurveys, createSurvey, surveyFilterSql, updateSurvey } from './surveys.service.ts';

/** Texts resolve against the survey's default locale, so each nested value carries it. */
type WithDefault<T> = T & { defaultLocale: string };

const LOCALE_ARG = { description: "Falls back to the language (zh-CN -> zh), then to the survey's default locale." };

const localized = (text: LocalizedText, requested: string | null | undefined, defaultLocale: string) =>
  pickText(text, fallbackChain(requested, defaultLocale));

const SurveyOption = builder.objectRef<WithDefault<StoredOption>>('SurveyOption').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    labels: t.field({ type: 'JSON', description: 'Every locale: { "en": "…", "zh-CN": "…" }.', resolve: (o) => o.label }),
    label: t.string({
      args: { locale: t.arg.string(LOCALE_ARG) },
      resolve: (o, args) => localized(o.label, args.locale, o.defaultLocale),
    }),
    retired: t.boolean({
      description: 'Removed after responses arrived: kept so old answers still resolve, no longer offered.',
      resolve: (o) => o.retired === true,
    }),
  }),
});

const SurveyQuestion = builder.objectRef<WithDefault<StoredQuestion>>('SurveyQuestion').implement({
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Stable across edits: answers refer to it.' }),
    type: t.expose('type', { type: QuestionTypeEnum }),
    required: t.exposeBoolean('required'),
    labels: t.field({ type: 'JSON', description: 'Every locale: { "en": "…", "zh-CN": "…" }.', resolve: (q) => q.label }),
    label: t.string({
      args: { locale: t.arg.string(LOCALE_ARG) },
      resolve: (q, args) => localized(q.label, args.locale, q.defaultLocale),
    }),
    options: t.field({
      type: [SurveyOption],
      resolve: (q) => (q.options ?? []).map((o) => ({ ...o, defaultLocale: q.defaultLocale })),
    }),
    retired: t.boolean({
      description: 'Removed after responses arrived: kept so old answers still resolve, not shown to widgets.',
      resolve: (q) => q.retired === true,
    }),
  }),
});

export const Survey = builder.drizzleNode('surveys', {
  name: 'Survey',
  description: 'A survey: its questions in several locales, and the responses it received.',
  id: { column: (s) => s.id },
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Unique per organization; widgets name the survey by it.' }),
    title: t.string({
      args: { locale: t.arg.string(LOCALE_ARG) },
      resolve: (s, args) => localized(s.title, args.locale, s.defaultLocale),
    }),
    titles: t.field({ type: 'JSON', description: 'The title in every locale.', resolve: (s) => s.title }),
    status: t.expose('status', { type: SurveyStatusEnum }),
    kind: t.expose('kind', { type: SurveyKindEnum }),
    defaultLocale: t.exposeString('defaultLocale'),
    questions: t.field({
      type: [SurveyQuestion],
      description: 'Live questions first, in order, then retired ones.',
      resolve: (s) => (s.questions as StoredQuestion[]).map((q) => ({ ...q, defaultLocale: s.defaultLocale })),
    }),
    thankYou: t.string({
      nullable: true,
      args: { locale: t.arg.string(LOCALE_ARG) },
      resolve: (s, args) => (s.thankYou ? localized(s.thankYou, args.locale, s.defaultLocale) : null),
    }),
    thankYous: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The thank-you text in every locale.',
      resolve: (s) => s.thankYou,
    }),
    responses: t.relatedConnection(
      'responses',
      {
        description: 'Responses received, newest first.',
        query: (_args, ctx) => ({ where: { orgId: orgIdOf(ctx) }, orderBy: { createdAt: 'desc', id: 'desc' } }),
        totalCount: true,
      },
      { name: 'SurveyResponsesConnection' },
      { name: 'SurveyResponsesEdge' },
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const LocalizedTextInput = builder.inputType('LocalizedTextInput', {
  description: 'One text in one locale; a list of these holds a text in several locales.',
  fields: (t) => ({
    locale: t.string({ required: true, description: 'A language tag such as en or zh-CN.' }),
    text: t.string({ required: true }),
  }),
});

const SurveyOptionInput = builder.inputType('SurveyOptionInput', {
  fields: (t) => ({
    id: t.string({ description: 'Keep an existing option by its id; omit for a new option (an id is made from its label).' }),
    labels: t.field({ type: [LocalizedTextInput], required: true }),
  }),
});

const SurveyQuestionInput = builder.inputType('SurveyQuestionInput', {
  fields: (t) => ({
    id: t.string({ description: 'Keep an existing question by its id; omit for a new question (an id is made from its label).' }),
    type: t.field({ type: QuestionTypeEnum, required: true }),
    required: t.boolean({ description: 'Defaults to false.' }),
    labels: t.field({ type: [LocalizedTextInput], required: true }),
    options: t.field({ type: [SurveyOptionInput], description: 'Choice questions only: 2 to 30.' }),
  }),
});

const CreateSurveyInput = builder.inputType('CreateSurveyInput', {
  fields: (t) => ({
    key: t.string({ required: true, description: 'A slug, unique per organization, e.g. after-delivery.' }),
    title: t.field({ type: [LocalizedTextInput], required: true }),
    kind: t.field({ type: SurveyKindEnum, required: true }),
    defaultLocale: t.string({ description: 'Defaults to en. Every text must exist in it.' }),
    status: t.field({ type: SurveyStatusEnum, description: 'Defaults to DRAFT.' }),
    questions: t.field({ type: [SurveyQuestionInput], required: true }),
    thankYou: t.field({ type: [LocalizedTextInput] }),
  }),
});

const UpdateSurveyInput = builder.inputType('UpdateSurveyInput', {
  description:
    'Absent (or null) fields are kept; null clears thankYou. questions replaces the list: once responses exist, questions and options left out are kept as retired and a kept question cannot change its type.',
  fields: (t) => ({
    key: t.string(),
    title: t.field({ type: [LocalizedTextInput] }),
    kind: t.field({ type: SurveyKindEnum }),
    defaultLocale: t.string(),
    status: t.field({ type: SurveyStatusEnum }),
    questions: t.field({ type: [SurveyQuestionInput] }),
    thankYou: t.field({ type: [LocalizedTextInput] }),
  }),
});

const SurveyFilter = builder.inputType('SurveyFilter', {
  fields: (t) => ({ status: t.field({ type: SurveyStatusEnum }) }),
});

const surveyId = (id: string, path = 'id') => decodeId(id, 'Survey', path);

builder.queryFields((t) => ({
  survey: t.drizzleField({
    type: 'surveys',
    nullable: true,
    authScopes: { read: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.query.surveys.findFirst(query({ where: { id: surveyId(String(args.id)), orgId: orgIdOf(ctx) } })),
  }),
  surveys: t.drizzleConnection(
    {
      type: 'surveys',
      authScopes: { read: true },
      description: 'Newest first.',
      args: { filter: t.arg({ type: SurveyFilter }) },
      totalCount: (_root, args, ctx) => countSurveys(ctx.db, orgIdOf(ctx), args.filter ?? {}),
      resolve: (query, _root, args, ctx) =>
        ctx.db.query.surveys.findMany(
          query({
            where: { RAW: (table) => surveyFilterSql(table, orgIdOf(ctx), args.filter ?? {}) },
            orderBy: { createdAt: 'desc', id: 'desc' },
          }),
        ),
    },
    { name: 'SurveyConnection' },
    { name: 'SurveyEdge' },
  ),
}));

const mutation = { authScopes: { write: true }, errors: { types: mutationErrors } } as const;

builder.mutationFields((t) => ({
  createSurvey: t.field({
    ...mutation,
    type: Survey,
    args: { input: t.arg({ type: CreateSurveyInput, required: true }) },
    resolve: (_root, args, ctx) => createSurvey(ctx.db, orgIdOf(ctx), args.input),
  }),
  updateSurvey: t.field({
    ...mutation,
    type: Survey,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateSurveyInput, required: true }) },
    resolve: (_root, args, ctx) => updateSurvey(ctx.db, orgIdOf(ctx), surveyId(String(args.id)), args.input),
  }),
  archiveSurvey: t.field({
    ...mutation,
    type: Survey,
    description: 'Hides the survey from widgets and stops responses; the responses stay.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => archiveSurvey(ctx.db, orgIdOf(ctx), surveyId(String(args.id))),
  }),
}));
