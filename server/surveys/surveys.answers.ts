import type { SurveyAnswer, SurveyQuestion, surveyKinds } from '../db/tables/index.ts';
import { ValidationError, type FieldIssue } from '../shared/errors.ts';
import { answerScales } from '../shared/scales.ts';
import { surveyLimits } from './surveys.input.ts';
import { activeOptions, activeQuestions, scoredType, type StoredQuestion } from './surveys.questions.ts';

const scales: Partial<Record<SurveyQuestion['type'], readonly [number, number]>> = answerScales;

/** Why `value` is not an answer to `question`, or undefined when it is. */
function valueProblem(question: StoredQuestion, value: unknown): string | undefined {
  const scale = scales[question.type];
  if (scale) {
    const [min, max] = scale;
    const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
    return ok ? undefined : `must be a whole number from ${min} to ${max}`;
  }
  const known = new Set(activeOptions(question).map((o) => o.id));
  switch (question.type) {
    case 'single_choice':
      return typeof value === 'string' && known.has(value) ? undefined : 'must be the key of one of the options';
    case 'multiple_choice': {
      if (!Array.isArray(value) || value.length === 0) return 'must be a non-empty list of option keys';
      if (!value.every((v) => typeof v === 'string' && known.has(v))) return 'must contain only keys of the options';
      return new Set(value).size === value.length ? undefined : 'must not name an option twice';
    }
    case 'text':
      if (typeof value !== 'string') return 'must be a string';
      return value.length <= surveyLimits.answerText ? undefined : `must be at most ${surveyLimits.answerText} characters`;
    case 'yes_no':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    default:
      return 'cannot be answered';
  }
}

/**
 * Checks answers against the survey's live questions and derives the score of a scored kind
 * from its first scored question. A blank text counts as no answer (a widget may send the empty
 * textarea of an optional question). All issues are reported at once, with input paths. The
 * answers are stored as before the API said questionKey: `{ questionId, value }`.
 */
export function checkAnswers(
  kind: (typeof surveyKinds)[number],
  questions: StoredQuestion[],
  answers: { questionKey: string; value: unknown }[],
): { answers: SurveyAnswer[]; score: number | null } {
  const live = new Map(activeQuestions(questions).map((q) => [q.id, q]));
  const issues: FieldIssue[] = [];
  const kept: SurveyAnswer[] = [];
  const answered = new Set<string>();
  answers.forEach(({ questionKey, value }, i) => {
    const at = (field: string, message: string) => issues.push({ path: ['input', 'answers', i, field], message });
    const question = live.get(questionKey);
    if (!question) return at('questionKey', 'is not a question of this survey');
    if (answered.has(questionKey)) return at('questionKey', 'is answered twice');
    answered.add(questionKey);
    const problem = valueProblem(question, value);
    if (problem) return at('value', problem);
    if (question.type === 'text' && (value as string).trim() === '') {
      return question.required ? at('value', 'must not be blank: the question is required') : undefined;
    }
    kept.push({ questionId: questionKey, value: value as SurveyAnswer['value'] });
  });
  for (const question of live.values()) {
    if (question.required && !answered.has(question.id)) {
      issues.push({ path: ['input', 'answers'], message: `question ${question.id} is required` });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  const scored = scoredType[kind];
  const scoreQuestion = scored ? [...live.values()].find((q) => q.type === scored) : undefined;
  const scoreAnswer = scoreQuestion ? kept.find((a) => a.questionId === scoreQuestion.id) : undefined;
  return { answers: kept, score: typeof scoreAnswer?.value === 'number' ? scoreAnswer.value : null };
}
