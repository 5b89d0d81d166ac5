import { z } from 'zod';
import { questionTypes, surveyKinds, surveyStatuses, type LocalizedText } from '../db/tables/index.ts';
import { canonicalLocale } from './locales.ts';

/** Survey limits: one place, so validation, docs and tests agree. */
export const surveyLimits = {
  text: 500,
  locales: 10,
  questions: 50,
  options: 30,
  minChoiceOptions: 2,
  keyLength: 64,
  idLength: 40,
  answerText: 5000,
} as const;

export const choiceTypes: ReadonlySet<string> = new Set(['single_choice', 'multiple_choice']);

export const localeTag = z.string().transform((value, ctx) => {
  const canonical = canonicalLocale(value);
  if (!canonical) {
    ctx.addIssue({ code: 'custom', message: 'must be a language tag such as en or zh-CN' });
    return z.NEVER;
  }
  return canonical;
});

/** `[{ locale, text }]` in, `{ [locale]: text }` out; one text per locale. */
const localizedText = z
  .array(
    z.object({
      locale: localeTag,
      text: z
        .string()
        .trim()
        .min(1, 'must not be empty')
        .max(surveyLimits.text, `must be at most ${surveyLimits.text} characters`),
    }),
  )
  .min(1, 'must have a text in at least one locale')
  .max(surveyLimits.locales, `must have at most ${surveyLimits.locales} locales`)
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((entry, i) => {
      if (seen.has(entry.locale)) ctx.addIssue({ code: 'custom', path: [i, 'locale'], message: `${entry.locale} appears twice` });
      seen.add(entry.locale);
    });
  })
  .transform((entries): LocalizedText => Object.fromEntries(entries.map((e) => [e.locale, e.text])));

/** Question and option ids: short, URL- and JSON-safe, stable once given. */
export const ID_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_-]{0,${surveyLimits.idLength - 1}}$`);
const itemId = z
  .string()
  .regex(ID_PATTERN, `must be 1–${surveyLimits.idLength} letters, digits, - or _, starting with a letter or digit`);

const optionInput = z.object({ id: itemId.nullish(), labels: localizedText });

const questionInput = z
  .object({
    id: itemId.nullish(),
    type: z.enum(questionTypes),
    required: z
      .boolean()
      .nullish()
      .transform((v) => v ?? false),
    labels: localizedText,
    options: z
      .array(optionInput)
      .max(surveyLimits.options, `must have at most ${surveyLimits.options} options`)
      .nullish()
      .transform((v) => v ?? []),
  })
  .superRefine((question, ctx) => {
    const count = question.options.length;
    if (choiceTypes.has(question.type)) {
      if (count < surveyLimits.minChoiceOptions) {
        ctx.addIssue({
          code: 'custom',
          path: ['options'],
          message: `a choice question needs ${surveyLimits.minChoiceOptions} to ${surveyLimits.options} options`,
        });
      }
    } else if (count > 0) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'only choice questions have options' });
    }
    const seen = new Set<string>();
    question.options.forEach((option, i) => {
      if (!option.id) return;
      if (seen.has(option.id)) ctx.addIssue({ code: 'custom', path: ['options', i, 'id'], message: `${option.id} appears twice` });
      seen.add(option.id);
    });
  });

export type QuestionInput = z.output<typeof questionInput>;

const surveyKey = z
  .string()
  .max(surveyLimits.keyLength, `must be at most ${surveyLimits.keyLength} characters`)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a slug: lower-case letters and digits, joined by single hyphens');

const questionList = z
  .array(questionInput)
  .min(1, 'a survey needs at least one question')
  .max(surveyLimits.questions, `must have at most ${surveyLimits.questions} questions`);

const kind = z.enum(surveyKinds);
const status = z.enum(surveyStatuses);

export const createSurveyInput = z.object({
  key: surveyKey,
  title: localizedText,
  kind,
  defaultLocale: localeTag.nullish().transform((v) => v ?? 'en'),
  status: status.nullish().transform((v) => v ?? 'draft'),
  questions: questionList,
  thankYou: localizedText.nullish().transform((v) => v ?? null),
});

export type CreateSurveyInput = z.output<typeof createSurveyInput>;

/** Null keeps a field, as absence does, except for thankYou, where null clears it. */
const keep = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema.optional());

export const updateSurveyInput = z.object({
  key: keep(surveyKey),
  title: keep(localizedText),
  kind: keep(kind),
  defaultLocale: keep(localeTag),
  status: keep(status),
  questions: keep(questionList),
  thankYou: localizedText.nullish(),
});

export type UpdateSurveyInput = z.output<typeof updateSurveyInput>;
