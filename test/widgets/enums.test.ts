import { expect, it } from 'vitest';
import { complaintCategories, questionTypes, unsolvedReasons } from '../../server/db/tables/index.ts';
import { REASONS } from '../../widgets/internal/choices.ts';
import type { Question } from '../../widgets/survey/survey.component.ts';
import { complaintEn } from '../../widgets/translations/complaint/en.ts';
import { complaintZhCN } from '../../widgets/translations/complaint/zh-CN.ts';
import { en } from '../../widgets/translations/en.ts';
import { zhCN } from '../../widgets/translations/zh-CN.ts';

// The widgets carry their own copies of the server's enums (they ship without the server's code):
// a value added on one side only would be a choice the server refuses or one no widget offers.
const translations = { en: { ...en, ...complaintEn }, 'zh-CN': { ...zhCN, ...complaintZhCN } };
const sorted = (values: readonly string[]) => [...values].sort();

it.each(Object.entries(translations))('the %s complaint categories are the server’s ComplaintCategory values', (_, t) => {
  expect(sorted(Object.keys(t.categories))).toEqual(sorted(complaintCategories));
});

it.each(Object.entries(translations))('the %s unsolved reasons are the server’s UnsolvedReason values', (_, t) => {
  expect(sorted(Object.keys(t.reasons))).toEqual(sorted(unsolvedReasons));
});

it('did-this-solve offers every UnsolvedReason', () => {
  expect(sorted(REASONS)).toEqual(sorted(unsolvedReasons));
});

it('the survey widget knows every QuestionType (checked by tsc: both directions)', () => {
  type ServerTypes = Uppercase<(typeof questionTypes)[number]>;
  const widgetCovers: Record<ServerTypes, true> = Object.fromEntries(questionTypes.map((q) => [q.toUpperCase(), true])) as Record<Question['type'], true>;
  const serverCovers: Record<Question['type'], true> = widgetCovers;
  expect(Object.keys(serverCovers).sort()).toEqual(questionTypes.map((q) => q.toUpperCase()).sort());
});
