import type { LocalizedText, SurveyQuestion, surveyKinds } from '../db/tables/index.ts';
import type { FieldIssue } from '../shared/errors.ts';
import type { QuestionInput } from './surveys.input.ts';
import { surveyLimits } from './surveys.input.ts';

type SurveyKind = (typeof surveyKinds)[number];
type QuestionType = SurveyQuestion['type'];

/**
 * An option as stored. `retired` is not in the table's SurveyQuestion type: options removed
 * from a survey that has responses stay in the JSON so old answers still resolve.
 */
export interface StoredOption {
  id: string;
  label: LocalizedText;
  retired?: boolean;
}
export type StoredQuestion = Omit<SurveyQuestion, 'options'> & { options?: StoredOption[] };

/** The question type a scored survey kind must contain; its first such question gives the score. */
export const scoredType: Partial<Record<SurveyKind, QuestionType>> = { csat: 'rating', nps: 'nps', ces: 'ces' };

export const activeQuestions = (questions: StoredQuestion[]) => questions.filter((q) => !q.retired);
export const activeOptions = (question: StoredQuestion) => (question.options ?? []).filter((o) => !o.retired);

/** A readable slug from a label ("How was it?" -> "how-was-it"); `fallback` when nothing Latin is left. */
function slugOf(text: LocalizedText, defaultLocale: string, fallback: string): string {
  const label = text[defaultLocale] ?? Object.values(text)[0] ?? '';
  const words = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > 24) break;
    slug = next;
  }
  return slug || fallback;
}

/** `base`, or `base-2`, `base-3`… whichever is free; claims it. */
function claim(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) {
    const suffix = `-${n}`;
    id = `${base.slice(0, surveyLimits.idLength - suffix.length)}${suffix}`;
  }
  taken.add(id);
  return id;
}

/**
 * Turns the input questions into the stored list (an input's `key` is stored as `id`). Without
 * responses the input is the whole truth. With responses (`keepHistory`) every key ever used
 * stays valid: a question or option left out is kept as retired, an existing question keeps its
 * type, and new keys never reuse old ones. Issues are reported with paths under `input.questions`.
 */
export function buildQuestions(
  input: QuestionInput[],
  defaultLocale: string,
  stored: StoredQuestion[],
  keepHistory: boolean,
  issues: FieldIssue[],
): StoredQuestion[] {
  const storedById = new Map(keepHistory ? stored.map((q) => [q.id, q]) : []);
  const explicit = new Set<string>();
  input.forEach((q, i) => {
    if (!q.key) return;
    if (explicit.has(q.key)) issues.push({ path: ['input', 'questions', i, 'key'], message: `${q.key} appears twice` });
    explicit.add(q.key);
  });
  const taken = new Set<string>([...storedById.keys(), ...explicit]);
  const built = input.map((q, i): StoredQuestion => {
    const id = q.key ?? claim(slugOf(q.labels, defaultLocale, `q${i + 1}`), taken);
    const previous = storedById.get(id);
    if (previous && previous.type !== q.type) {
      issues.push({
        path: ['input', 'questions', i, 'type'],
        message: `question ${id} already has responses as ${previous.type.toUpperCase()}; add a new question instead`,
      });
    }
    const question: StoredQuestion = { id, type: q.type, label: q.labels, required: q.required };
    if (q.options.length > 0) question.options = buildOptions(q.options, defaultLocale, previous);
    return question;
  });
  const inInput = new Set(built.map((q) => q.id));
  const retired = [...storedById.values()]
    .filter((q) => !inInput.has(q.id))
    .map((q) => ({ ...q, retired: true }));
  return [...built, ...retired];
}

function buildOptions(input: QuestionInput['options'], defaultLocale: string, previous: StoredQuestion | undefined) {
  const old = previous?.options ?? [];
  const taken = new Set<string>([...old.map((o) => o.id), ...input.flatMap((o) => (o.key ? [o.key] : []))]);
  const built = input.map((o, j): StoredOption => ({
    id: o.key ?? claim(slugOf(o.labels, defaultLocale, `o${j + 1}`), taken),
    label: o.labels,
  }));
  const kept = new Set(built.map((o) => o.id));
  return [...built, ...old.filter((o) => !kept.has(o.id)).map((o) => ({ ...o, retired: true }))];
}

export interface SurveyShape {
  kind: SurveyKind;
  defaultLocale: string;
  title: LocalizedText;
  thankYou: LocalizedText | null;
  questions: StoredQuestion[];
}

/**
 * Rules across fields: every live text has the default locale, and a scored kind has its
 * scored question. On update a kept field cannot be at fault, so its issue points at the field
 * that changed (defaultLocale or kind).
 */
export function shapeIssues(survey: SurveyShape, given: { title: boolean; thankYou: boolean; questions: boolean }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const locale = survey.defaultLocale;
  const at = (isGiven: boolean, path: (string | number)[]) => (isGiven ? ['input', ...path] : ['input', 'defaultLocale']);
  const missing = `has no text in the default locale ${locale}`;
  if (survey.title[locale] === undefined) issues.push({ path: at(given.title, ['title']), message: missing });
  if (survey.thankYou && survey.thankYou[locale] === undefined) {
    issues.push({ path: at(given.thankYou, ['thankYou']), message: missing });
  }
  // Live questions come first, in input order, so their index is the input index.
  activeQuestions(survey.questions).forEach((q, i) => {
    if (q.label[locale] === undefined) issues.push({ path: at(given.questions, ['questions', i, 'labels']), message: missing });
    (q.options ?? []).forEach((o, j) => {
      if (!o.retired && o.label[locale] === undefined) {
        issues.push({ path: at(given.questions, ['questions', i, 'options', j, 'labels']), message: missing });
      }
    });
  });
  const needed = scoredType[survey.kind];
  if (needed && !activeQuestions(survey.questions).some((q) => q.type === needed)) {
    issues.push({
      path: given.questions ? ['input', 'questions'] : ['input', 'kind'],
      message: `a ${survey.kind.toUpperCase()} survey needs a ${needed.toUpperCase()} question`,
    });
  }
  return issues;
}
