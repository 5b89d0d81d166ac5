/**
 * Shared GraphQL documents and helpers for the surveys-*.test.ts files. Every call goes through
 * the real API (yoga.fetch): the schema, scopes, the errors plugin and the database together.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { dataOf, type Caller, type TestSite } from '../helpers/api.ts';

export type Json = Record<string, any>;

export const SURVEY = `
  id key title titles status kind defaultLocale thankYou thankYous createdAt updatedAt
  questions { key type required labels label retired options { key labels label retired } }`;

const result = (successType: string, data: string) => `
  __typename
  ... on ${successType} { data ${data} }
  ... on ValidationError { message issues { path message } }
  ... on ConflictError { field message }
  ... on NotFoundError { entity message }`;

/** `{ en: "…", "zh-CN": "…" }` -> `[{ locale, text }]`, the input shape of localized texts. */
export const texts = (byLocale: Record<string, string>) =>
  Object.entries(byLocale).map(([locale, text]) => ({ locale, text }));

export const question = (type: string, en: string, extra: Json = {}) => ({ type, labels: texts({ en }), ...extra });

export const choice = (type: string, en: string, optionKeys: string[], extra: Json = {}) =>
  question(type, en, { options: optionKeys.map((key) => ({ key, labels: texts({ en: `Option ${key}` }) })), ...extra });

/** A valid survey input of every question type; override what a test is about. */
export function surveyInput(key: string, overrides: Json = {}): Json {
  return {
    key,
    title: texts({ en: 'How did we do?', 'zh-CN': '我们做得怎么样?' }),
    kind: 'CUSTOM',
    status: 'ACTIVE',
    questions: [
      question('RATING', 'Rate us', { key: 'rating' }),
      question('NPS', 'Recommend us?', { key: 'nps' }),
      question('CES', 'Was it easy?', { key: 'ces' }),
      choice('SINGLE_CHOICE', 'Pick one', ['a', 'b', 'c'], { key: 'single' }),
      choice('MULTIPLE_CHOICE', 'Pick some', ['x', 'y', 'z'], { key: 'multi' }),
      question('TEXT', 'Anything else?', { key: 'text' }),
      question('YES_NO', 'Solved?', { key: 'yesno' }),
    ],
    thankYou: texts({ en: 'Thank you for your feedback', 'zh-CN': '感谢您的反馈' }),
    ...overrides,
  };
}

export function surveysOf(caller: Caller) {
  const mutate = async (field: string, signature: string, call: string, vars: Json) => {
    const success = `Mutation${field[0]!.toUpperCase()}${field.slice(1)}Success`;
    const response = dataOf(await caller.gql(`mutation${signature} { ${field}${call} { ${result(success, `{ ${SURVEY} }`)} } }`, vars));
    return response[field] as Json;
  };
  return {
    create: (input: Json) => mutate('createSurvey', '($input: CreateSurveyInput!)', '(input: $input)', { input }),
    update: (id: string, input: Json) =>
      mutate('updateSurvey', '($input: UpdateSurveyInput!)', '(input: $input)', { input: { id, ...input } }),
    archive: (id: string) => mutate('archiveSurvey', '($input: ArchiveSurveyInput!)', '(input: $input)', { input: { id } }),
    async get(id: string, fields = SURVEY): Promise<Json | null> {
      return dataOf(await caller.gql(`query($id: ID!) { survey(id: $id) { ${fields} } }`, { id })).survey;
    },
    async list(args: Json = {}) {
      const query = `query($first: Int, $after: String, $filter: SurveyFilter) {
        surveys(first: $first, after: $after, filter: $filter) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { id key status } } } }`;
      return dataOf(await caller.gql(query, args)).surveys;
    },
    /** Responses of a survey, newest first, with their customer. */
    async responses(id: string): Promise<{ totalCount: number; nodes: Json[] }> {
      const survey = await this.get(
        id,
        'responses(first: 100) { totalCount edges { node { id kind score locale answers { questionKey value } context { pageUrl } customer { id externalId name } } } }',
      );
      return { totalCount: survey!.responses.totalCount, nodes: survey!.responses.edges.map((e: Json) => e.node) };
    },
  };
}

/** Creates a survey as `caller` and returns it; fails the test on anything but success. */
export async function createdSurvey(caller: Caller, input: Json): Promise<Json> {
  return ok(await surveysOf(caller).create(input));
}

/**
 * The widget's own operations from widgets/persisted-operations.json: a site key may run
 * nothing else, so the tests send exactly what <careloop-survey> sends.
 */
export const PUBLIC_SURVEY = persistedOperation('PublicSurvey').document;
export const SUBMIT_RESPONSE = persistedOperation('SubmitSurveyResponse').document;

/** The answer without its __typename fields (the operation asks for them for client caches). */
const withoutTypenames = (value: any): any =>
  Array.isArray(value)
    ? value.map(withoutTypenames)
    : value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== '__typename').map(([k, v]) => [k, withoutTypenames(v)]))
      : value;

export function widgetOf(caller: Caller) {
  return {
    async survey(key: string, locale?: string | null): Promise<Json | null> {
      const survey = dataOf(await caller.gql(PUBLIC_SURVEY, { key, locale })).publicSurvey;
      return survey ? withoutTypenames(survey) : survey;
    },
    /** Submits a response; `input` may override every field, idempotencyKey is fresh by default. */
    async submit(surveyKey: string, answers: Json[], input: Json = {}): Promise<Json> {
      const vars = { input: { surveyKey, answers, idempotencyKey: randomUUID(), ...input } };
      return dataOf(await caller.gql(SUBMIT_RESPONSE, vars)).submitSurveyResponse;
    },
  };
}

/** A customer token as the company's backend signs it. */
export async function customerToken(site: TestSite, sub: string, options: { expiresIn?: string | number; secret?: string; claims?: Json } = {}) {
  return new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? site.identitySecret));
}

/** The `data` of a success result; fails with the typed error otherwise. */
export function ok(result: Json): any {
  expect(result.__typename, JSON.stringify(result)).toMatch(/Success$/);
  return result.data;
}

/** Asserts a ValidationError and returns its issue paths, joined with dots. */
export function issuePaths(result: Json): string[] {
  expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) expect(issue.message).not.toBe('');
  return result.issues.map((i: { path: string[] }) => i.path.join('.'));
}

let counter = 0;
/** A key no other test in the file uses. */
export const uniqueKey = (prefix = 's') => `${prefix}-${++counter}-${Date.now().toString(36)}`;
