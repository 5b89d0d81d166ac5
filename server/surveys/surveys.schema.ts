import { builder } from '../builder.ts';
import { orgIdOf, tenantOf } from '../context.ts';
import type { LocalizedText } from '../db/tables/index.ts';
import { mutationErrorOptions } from '../shared/common.schema.ts';
import { fallbackChain, pickText } from './locales.ts';
import './public.schema.ts';
import { QuestionTypeEnum, SurveyKindEnum, SurveyStatusEnum } from './survey-enums.ts';
import type { StoredOption, StoredQuestion } from './surveys.questions.ts';
import { createSurveyInput, updateSurveyInput } from './surveys.input.ts';
import { inputFromZod } from '../shared/zod-input.ts';
import { archiveSurvey, countSurveys, createSurvey, surveyFilterSql, updateSurvey } from './surveys.service.ts';

/** Texts resolve against the survey's default locale, so each nested value carries it. */
type WithDefault<T> = T & { defaultLocale: string };

const LOCALE_ARG = { description: "Falls back to the language (zh-CN -> zh), then to the survey's default locale." };


const localized = (text: LocalizedText, requested: string | null | undefined, defaultLocale: string) =>
  pickText(text, fallbackChain(requested, defaultLocale));

const SurveyOption = builder.objectRef<WithDefault<StoredOption>>('SurveyOption').implement({
  description: 'One option of a choice question.',
  fields: (t) => ({
    key: t.exposeString('id', {
      description: 'Unique within its question, stable across edits: answers name the option by it (not an id: other surveys use the same keys).',
    }),
    labels: t.field({ type: 'JSON', description: 'Every locale: { "en": "…", "zh-CN": "…" }.', resolve: (o) => o.label }),
    label: t.string({
      description: 'The label in one locale.',
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
  description: 'One question of a survey, in every locale.',
  fields: (t) => ({
    key: t.exposeString('id', {
      description: 'Unique within its survey, stable across edits: answers refer to it (not an id: other surveys use the same keys).',
    }),
    type: t.expose('type', { type: QuestionTypeEnum, description: 'How it is answered.' }),
    required: t.exposeBoolean('required', { description: 'Whether a response must answer it.' }),
    labels: t.field({ type: 'JSON', description: 'Every locale: { "en": "…", "zh-CN": "…" }.', resolve: (q) => q.label }),
    label: t.string({
      description: 'The question in one locale.',
      args: { locale: t.arg.string(LOCALE_ARG) },
      resolve: (q, args) => localized(q.label, args.locale, q.defaultLocale),
    }),
    options: t.field({
      type: [SurveyOption],
      description: 'The options of a choice question, retired ones included; empty for other types.',
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
      description: 'The title in one locale.',
      args: { locale: t.arg.string(LOCALE_ARG) },
      resolve: (s, args) => localized(s.title, args.locale, s.defaultLocale),
    }),
    titles: t.field({ type: 'JSON', description: 'The title in every locale.', resolve: (s) => s.title }),
    status: t.expose('status', { type: SurveyStatusEnum, description: 'Whether widgets show it.' }),
    kind: t.expose('kind', { type: SurveyKindEnum, description: 'What it measures.' }),
    defaultLocale: t.exposeString('defaultLocale', { description: 'The locale every text exists in; the last fallback.' }),
    questions: t.field({
      type: [SurveyQuestion],
      description: 'Live questions first, in order, then retired ones.',
      resolve: (s) => (s.questions as StoredQuestion[]).map((q) => ({ ...q, defaultLocale: s.defaultLocale })),
    }),
    thankYou: t.string({
      nullable: true,
      description: 'The text shown after a response, in one locale; null for the widget’s own.',
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
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the survey was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last changed.' }),
  }),
});

const CreateSurveyInput = inputFromZod('CreateSurveyInput', createSurveyInput, { description: 'A new survey.' });

const UpdateSurveyInput = inputFromZod('UpdateSurveyInput', updateSurveyInput, {
  description:
    'Which survey, and what to change. Absent (or null) fields are kept; null clears thankYou. questions replaces the list: once responses exist, questions and options left out are kept as retired and a kept question cannot change its type.',
  extra: (t) => ({ id: t.globalID({ for: Survey, required: true, description: 'The Survey to change.' }) }),
});

const ArchiveSurveyInput = builder.inputType('ArchiveSurveyInput', {
  description: 'The survey to archive.',
  fields: (t) => ({ id: t.globalID({ for: Survey, required: true, description: 'A Survey id.' }) }),
});

const SurveyFilter = builder.inputType('SurveyFilter', {
  description: 'Every given condition must hold.',
  fields: (t) => ({ status: t.field({ type: SurveyStatusEnum, description: 'Only surveys with this status.' }) }),
});


builder.queryFields((t) => ({
  survey: t.drizzleField({
    type: 'surveys',
    nullable: true,
    description: 'One survey by id; null when unknown or of another organization.',
    authScopes: { read: true },
    args: { id: t.arg.globalID({ for: Survey, required: true, description: 'A Survey id.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.query.surveys.findFirst(query({ where: { id: args.id.id, orgId: orgIdOf(ctx) } })),
  }),
  surveys: t.drizzleConnection(
    {
      type: 'surveys',
      authScopes: { read: true },
      description: 'Newest first.',
      args: { filter: t.arg({ type: SurveyFilter, description: 'Only surveys matching it; all without it.' }) },
      totalCount: (_root, args, ctx) => countSurveys(tenantOf(ctx), args.filter ?? {}),
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

const mutation = { authScopes: { write: true }, errors: mutationErrorOptions } as const;

builder.mutationFields((t) => ({
  createSurvey: t.field({
    ...mutation,
    type: Survey,
    description: 'Creates a survey.',
    args: { input: t.arg({ type: CreateSurveyInput, required: true, description: 'The survey.' }) },
    resolve: (_root, args, ctx) => createSurvey(tenantOf(ctx), args.input),
  }),
  updateSurvey: t.field({
    ...mutation,
    type: Survey,
    description: 'Changes a survey; see UpdateSurveyInput for what happens to answered questions.',
    args: { input: t.arg({ type: UpdateSurveyInput, required: true, description: 'The survey and what to change.' }) },
    resolve: (_root, { input: { id, ...patch } }, ctx) => updateSurvey(tenantOf(ctx), id.id, patch),
  }),
  archiveSurvey: t.field({
    ...mutation,
    type: Survey,
    description: 'Hides the survey from widgets and stops responses; the responses stay.',
    args: { input: t.arg({ type: ArchiveSurveyInput, required: true, description: 'The survey.' }) },
    resolve: (_root, args, ctx) => archiveSurvey(tenantOf(ctx), args.input.id.id),
  }),
}));
