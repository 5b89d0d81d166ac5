import type { LocalizedText, surveyKinds } from '../db/tables/index.ts';
import { fallbackChain, pickText, servedLocale } from './locales.ts';
import type { StoredQuestion } from './surveys.questions.ts';

// Apart from locales.ts, which knows language tags only: surveys.input.ts canonicalizes the
// locales it is given there, and this file needs the stored question shape built from that input.

interface LocalizableSurvey {
  key: string;
  kind: (typeof surveyKinds)[number];
  defaultLocale: string;
  title: LocalizedText;
  thankYou: LocalizedText | null;
  questions: StoredQuestion[];
}

/** What a widget renders: one locale, plain strings, no retired questions or options. */
export function localizeSurvey(survey: LocalizableSurvey, requested: string | null | undefined) {
  const locale = servedLocale(survey.title, fallbackChain(requested, survey.defaultLocale));
  const chain = locale === survey.defaultLocale ? [locale] : [locale, survey.defaultLocale];
  return {
    key: survey.key,
    kind: survey.kind,
    locale,
    title: pickText(survey.title, chain),
    thankYou: survey.thankYou ? pickText(survey.thankYou, chain) : null,
    questions: survey.questions
      .filter((q) => !q.retired)
      .map((q) => ({
        id: q.id,
        type: q.type,
        label: pickText(q.label, chain),
        required: q.required,
        options: (q.options ?? []).filter((o) => !o.retired).map((o) => ({ id: o.id, label: pickText(o.label, chain) })),
      })),
  };
}

export type LocalizedSurvey = ReturnType<typeof localizeSurvey>;
