import { z } from 'zod';
import { questionTypes, surveyKinds, surveyStatuses, type LocalizedText } from '../db/tables/index.ts';
import { described } from '../shared/validate.ts';
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

const itemKeyRule = `1 to ${surveyLimits.idLength} letters, digits, - or _, starting with a letter or digit.`;
const keyRule = `A slug, unique per organization, e.g. after-delivery; at most ${surveyLimits.keyLength} characters.`;
const questionsRule = `1 to ${surveyLimits.questions} questions.`;
const localesRule = (what: string) => `${what} in 1 to ${surveyLimits.locales} locales.`;

/** `[{ locale, text }]` in, `{ [locale]: text }` out; one text per locale. */
const localizedText = z
  .array(
    described(
      z.object({
        locale: described(localeTag, 'A language tag such as en or zh-CN; once per list.'),
        text: described(
          z
            .string()
            .trim()
            .min(1, 'must not be empty')
            .max(surveyLimits.text, `must be at most ${surveyLimits.text} characters`),
          `1 to ${surveyLimits.text} characters.`,
        ),
      }),
      'One text in one locale; a list of these holds a text in several locales.',
      { title: 'LocalizedTextInput' },
    ),
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

/**
 * Question and option keys: short, URL- and JSON-safe, stable once given, unique within their
 * survey (options: within their question) only. In GraphQL they are `key`, never `id`: a
 * normalizing client cache would take a per-survey slug for the identity of one object. Stored
 * in surveys.questions as `id`, as before (README, "Breaking changes").
 */
export const ID_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_-]{0,${surveyLimits.idLength - 1}}$`);
const itemKey = z
  .string()
  .regex(ID_PATTERN, `must be 1–${surveyLimits.idLength} letters, digits, - or _, starting with a letter or digit`);

const optionInput = described(
  z.object({
    key: described(
      itemKey.nullish(),
      `Keep an existing option by its key; omit for a new option (a key is made from its label). ${itemKeyRule}`,
    ),
    labels: described(localizedText, localesRule('The label')),
  }),
  'One option of a choice question.',
  { title: 'SurveyOptionInput' },
);

const questionInput = z
  .object({
    key: described(
      itemKey.nullish(),
      `Keep an existing question by its key; omit for a new question (a key is made from its label). ${itemKeyRule}`,
    ),
    type: described(z.enum(questionTypes), 'How it is answered.'),
    required: described(
      z
        .boolean()
        .nullish()
        .transform((v) => v ?? false),
      'Defaults to false.',
    ),
    labels: described(localizedText, localesRule('The question')),
    options: described(
      z
        .array(optionInput)
        .max(surveyLimits.options, `must have at most ${surveyLimits.options} options`)
        .nullish()
        .transform((v) => v ?? []),
      `Choice questions only: ${surveyLimits.minChoiceOptions} to ${surveyLimits.options}.`,
    ),
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
      if (!option.key) return;
      if (seen.has(option.key)) ctx.addIssue({ code: 'custom', path: ['options', i, 'key'], message: `${option.key} appears twice` });
      seen.add(option.key);
    });
  });

export type QuestionInput = z.output<typeof questionInput>;

const surveyKey = z
  .string()
  .max(surveyLimits.keyLength, `must be at most ${surveyLimits.keyLength} characters`)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a slug: lower-case letters and digits, joined by single hyphens');

const questionList = z
  .array(described(questionInput, 'One question of a survey.', { title: 'SurveyQuestionInput' }))
  .min(1, 'a survey needs at least one question')
  .max(surveyLimits.questions, `must have at most ${surveyLimits.questions} questions`);

const kind = z.enum(surveyKinds);
const status = z.enum(surveyStatuses);

export const createSurveyInput = z.object({
  key: described(surveyKey, keyRule),
  title: described(localizedText, localesRule('The title')),
  kind: described(kind, 'What it measures.'),
  defaultLocale: described(
    localeTag.nullish().transform((v) => v ?? 'en'),
    'Defaults to en. Every text must exist in it.',
  ),
  status: described(
    status.nullish().transform((v) => v ?? 'draft'),
    'Defaults to DRAFT.',
  ),
  questions: described(questionList, questionsRule),
  thankYou: described(
    localizedText.nullish().transform((v) => v ?? null),
    localesRule('The text shown after a response'),
  ),
});

export type CreateSurveyInput = z.output<typeof createSurveyInput>;

/** Null keeps a field, as absence does, except for thankYou, where null clears it. */
const keep = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema.optional());

export const updateSurveyInput = z.object({
  key: described(keep(surveyKey), keyRule),
  title: described(keep(localizedText), localesRule('The title')),
  kind: described(keep(kind), 'What it measures.'),
  defaultLocale: described(keep(localeTag), 'The locale every text must exist in.'),
  status: described(keep(status), 'ACTIVE shows it to widgets; ARCHIVED closes it.'),
  questions: described(keep(questionList), `Replaces the list. ${questionsRule}`),
  thankYou: described(localizedText.nullish(), `${localesRule('The text shown after a response')} Null clears it.`),
});

export type UpdateSurveyInput = z.output<typeof updateSurveyInput>;
