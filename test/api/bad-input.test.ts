/**
 * Bad input never reaches an internal error: text PostgreSQL cannot store (NUL, other control
 * characters, lone surrogates), JSON nested past limits.jsonDepth and documents nested past
 * QUERY_LIMITS.maxNesting are refused with BAD_USER_INPUT (or a typed ValidationError) naming the
 * field, before anything runs: no INTERNAL_SERVER_ERROR, no 5xx, nothing stored, nothing logged
 * as an error (server/http/use-input-checks.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterEach, describe, expect, vi } from 'vitest';
import { complaints, customers, feedback } from '../../server/db/tables/index.ts';
import { nestingPastLimit } from '../../server/http/use-input-checks.ts';
import { QUERY_LIMITS } from '../../server/http/use-query-limits.ts';
import { MAX_REQUEST_BYTES } from '../../server/http/use-request-size-limit.ts';
import { payloadHash } from '../../server/intake/idempotency.ts';
import { ValidationError } from '../../server/shared/errors.ts';
import { jsonProblem, limits, textProblem } from '../../server/shared/limits.ts';
import type { TestApi, TestSite } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { complaintInput } from './complaints-fixtures.ts';
import { checkInput, codeOf, persistedBody, send, siteHeaders, type Json, type RawResponse } from './security-fixtures.ts';
import { surveyInput, surveysOf } from './surveys-fixtures.ts';

const NUL = 'a\u0000b';
const deepArray = (depth: number, leaf = '1') => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
const deepObject = (depth: number, leaf = '1') => `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
/** A JSON body with `"DEEP"` (a placeholder string) replaced by raw JSON text: values too deep for JSON.stringify. */
const withRaw = (body: Json, raw: string) => JSON.stringify(body).replace('"DEEP"', raw);

let errorLog: ReturnType<typeof vi.spyOn>;
afterEach(() => errorLog?.mockRestore());

/** Refused before execution with BAD_USER_INPUT naming `path`, and nothing logged as an error. */
function expectBadInput(response: RawResponse, path: (string | number)[], message: RegExp) {
  const body = JSON.stringify(response.body).slice(0, 600);
  expect(codeOf(response), body).toBe('BAD_USER_INPUT');
  expect(response.status, body).toBe(200); // plain application/json: a request error is 200 (GraphQL over HTTP)
  expect(response.body.data ?? null).toBeNull();
  const [issue] = response.body.errors[0].extensions.issues;
  expect(issue.path).toEqual(path);
  expect(issue.message).toMatch(message);
  expect(errorLog).not.toHaveBeenCalled();
}

let site: TestSite;
let key: Record<string, string>;
let widget: Record<string, string>;
let watch: (api: TestApi) => void;

it.beforeAll(async ({ api, site: shared }) => {
  site = shared;
  key = { authorization: `Bearer ${api.orgA.key}` };
  widget = siteHeaders(site);
  const created = await surveysOf(api.asA).create(surveyInput('bad-input'));
  expect(created.__typename).toBe('MutationCreateSurveySuccess');
  watch = (api) => {
    errorLog = vi.spyOn(api.yoga.logger, 'error');
  };
});

describe('text PostgreSQL cannot store, in every public operation', () => {
  const cases: [string, (text: string) => Json, (string | number)[]][] = [
    ['publicSurvey key', (t) => persistedBody('PublicSurvey', { key: t }), ['key']],
    ['publicSurvey locale', (t) => persistedBody('PublicSurvey', { key: 'bad-input', locale: t }), ['locale']],
    ['complaintStatus reference', (t) => persistedBody('ComplaintStatus', { reference: t, trackingToken: 'x' }), ['reference']],
    ['complaintStatus trackingToken', (t) => persistedBody('ComplaintStatus', { reference: 'C-1', trackingToken: t }), ['trackingToken']],
    ['submitResolutionCheck subject', (t) => persistedBody('SubmitResolutionCheck', { input: checkInput({ subject: t }) }), ['input', 'subject']],
    ['submitResolutionCheck comment', (t) => persistedBody('SubmitResolutionCheck', { input: checkInput({ comment: t }) }), ['input', 'comment']],
    [
      'submitResolutionCheck context.pageUrl',
      (t) => persistedBody('SubmitResolutionCheck', { input: checkInput({ context: { pageUrl: t } }) }),
      ['input', 'context', 'pageUrl'],
    ],
    ['fileComplaint description', (t) => persistedBody('FileComplaint', { input: complaintInput({ description: `Long enough ${t}` }) }), ['input', 'description']],
    [
      'fileComplaint contact.name',
      (t) => persistedBody('FileComplaint', { input: complaintInput({ contact: { name: t } }) }),
      ['input', 'contact', 'name'],
    ],
    [
      'submitSurveyResponse text answer',
      (t) => persistedBody('SubmitSurveyResponse', { input: { surveyKey: 'bad-input', idempotencyKey: randomUUID(), answers: [{ questionKey: 'text', value: t }] } }),
      ['input', 'answers', 0, 'value'],
    ],
  ];

  for (const [name, body, path] of cases) {
    it(`${name}: NUL, a control character and a lone surrogate are BAD_USER_INPUT naming the field`, async ({ api }) => {
      watch(api);
      for (const [text, message] of [
        [NUL, /control characters.*U\+0000/],
        ['bell\u0007', /control characters.*U\+0007/],
        ['c1\u0085', /control characters.*U\+0085/],
        ['half \ud83d of a pair', /lone surrogate U\+D83D/],
        ['\udc00 low half', /lone surrogate U\+DC00/],
      ] as const) {
        expectBadInput(await send(api.yoga, { headers: widget, body: body(text) }), path, message);
      }
    });
  }

  it('nothing was stored by any of them', async ({ api }) => {
    const rows = async (table: typeof feedback | typeof complaints) =>
      (await api.db.db.select({ n: count() }).from(table).where(eq(table.orgId, api.orgA.id)))[0]!.n;
    expect(await rows(feedback)).toBe(0);
    expect(await rows(complaints)).toBe(0);
  });

  it('tab, line feed and carriage return are free text: a complaint with them is filed', async ({ api }) => {
    watch(api);
    const description = 'Line one\r\nline two\twith a tab, and an emoji 😀 (a proper pair).';
    const response = await send(api.yoga, { headers: widget, body: persistedBody('FileComplaint', { input: complaintInput({ description }) }) });
    expect(response.body.data?.fileComplaint?.__typename, JSON.stringify(response.body)).toBe('MutationFileComplaintSuccess');
    const [row] = await api.db.db.select({ description: complaints.description }).from(complaints).where(eq(complaints.orgId, api.orgA.id));
    expect(row!.description).toBe(description);
  });
});

describe('text in the API-key operations', () => {
  it('a NUL in a literal is BAD_USER_INPUT naming field, argument and input field, with its location', async ({ api }) => {
    watch(api);
    const response = await send(api.yoga, {
      headers: key,
      body: { query: 'mutation { createCustomer(input: { name: "x\\u0000y" }) { __typename } }' },
    });
    expectBadInput(response, ['createCustomer', 'input', 'name'], /U\+0000/);
    expect(response.body.errors[0].locations).toEqual([{ line: 1, column: 27 }]);
  });

  it('a NUL in a variable default value too', async ({ api }) => {
    watch(api);
    const response = await send(api.yoga, { headers: key, body: { query: 'query($key: String = "\\u0000") { survey(key: $key) { id } }' } });
    expectBadInput(response, ['$key'], /U\+0000/);
  });

  it('a NUL in a variable, an object key or a list item', async ({ api }) => {
    watch(api);
    const create = 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename } }';
    expectBadInput(await send(api.yoga, { headers: key, body: { query: create, variables: { input: { name: 'x', tags: ['ok', NUL] } } } }), ['input', 'tags', 1], /U\+0000/);
    expectBadInput(
      await send(api.yoga, { headers: key, body: { query: create, variables: { input: { name: 'x', attributes: { [NUL]: 1 } } } } }),
      ['input', 'attributes', NUL],
      /has a key that .*U\+0000/,
    );
    // A field the type does not have is still looked through (graphql-js refuses it afterwards).
    expectBadInput(await send(api.yoga, { headers: key, body: { query: create, variables: { input: { name: 'x', nope: { deep: NUL } } } } }), ['input', 'nope', 'deep'], /U\+0000/);
  });

  it('one-line fields (names, tags) refuse tab and line breaks with a typed ValidationError; free text keeps them', async ({ api }) => {
    const create = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
      __typename ... on ValidationError { issues { path message } } } }`;
    const refused = await api.asA.gql(create, { input: { name: 'two\nlines', tags: ['a\tb'] } });
    expect(refused.data.createCustomer.__typename, JSON.stringify(refused)).toBe('ValidationError');
    expect(refused.data.createCustomer.issues.map((i: Json) => i.path), JSON.stringify(refused)).toEqual([['input', 'name'], ['input', 'tags', '0']]);
    expect(refused.data.createCustomer.issues[0].message).toMatch(/one line.*U\+000A/);
    const ok = await api.asA.gql(create, { input: { name: '  trimmed  ' } });
    expect(ok.data.createCustomer.__typename).toBe('MutationCreateCustomerSuccess');
  });
});

describe('deep JSON (attributes, answer values) and deep documents', () => {
  const createWithAttributes = 'mutation($a: JSON) { createCustomer(input: { name: "deep", attributes: $a }) { __typename ... on ValidationError { issues { path message } } } }';

  it(`attributes nested ${limits.jsonDepth} deep are stored; one more is BAD_USER_INPUT at the spot`, async ({ api }) => {
    watch(api);
    const ok = await send(api.yoga, { headers: key, body: withRaw({ query: createWithAttributes, variables: { a: 'DEEP' } }, deepObject(limits.jsonDepth)) });
    expect(ok.body.data?.createCustomer?.__typename, JSON.stringify(ok.body)).toBe('MutationCreateCustomerSuccess');
    const over = await send(api.yoga, { headers: key, body: withRaw({ query: createWithAttributes, variables: { a: 'DEEP' } }, deepObject(limits.jsonDepth + 1)) });
    expectBadInput(over, ['a', ...Array(limits.jsonDepth).fill('a')], new RegExp(`more than ${limits.jsonDepth} deep`));
  });

  it('attributes nested 5,000 deep (under the byte limit) are BAD_USER_INPUT, not a stack overflow', async ({ api }) => {
    watch(api);
    const raw = deepObject(5_000);
    expect(raw.length).toBeLessThan(limits.attributesBytes * 2);
    const response = await send(api.yoga, { headers: key, body: withRaw({ query: createWithAttributes, variables: { a: 'DEEP' } }, raw) });
    expectBadInput(response, ['a', ...Array(limits.jsonDepth).fill('a')], /more than 16 deep/);
    // The same value in a list literal-free variable of another shape: an array 20,000 deep.
    const arrays = await send(api.yoga, { headers: key, body: withRaw({ query: createWithAttributes, variables: { a: 'DEEP' } }, `{"x":${deepArray(20_000)}}`) });
    expectBadInput(arrays, ['a', 'x', ...Array(limits.jsonDepth - 1).fill(0)], /more than 16 deep/);
  });

  it('an answer value nested 30,000 deep is BAD_USER_INPUT at input.answers.0.value, nothing stored', async ({ api }) => {
    watch(api);
    const body = persistedBody('SubmitSurveyResponse', { input: { surveyKey: 'bad-input', idempotencyKey: randomUUID(), answers: [{ questionKey: 'text', value: 'DEEP' }] } });
    const response = await send(api.yoga, { headers: widget, body: withRaw(body, deepArray(30_000)) });
    expectBadInput(response, ['input', 'answers', 0, 'value', ...Array(limits.jsonDepth).fill(0)], /more than 16 deep/);
  });

  it('a typed input nested past its type (a String given 30,000 nested lists) is refused before coercion', async ({ api }) => {
    watch(api);
    const response = await send(api.yoga, { headers: widget, body: withRaw(persistedBody('PublicSurvey', { key: 'DEEP' }), deepArray(30_000)) });
    expectBadInput(response, ['key', ...Array(QUERY_LIMITS.maxNesting).fill(0)], new RegExp(`nested too deep \\(more than ${QUERY_LIMITS.maxNesting}`));
  });

  it('a literal nested 20,000 deep is refused before the parser recurses (BAD_USER_INPUT naming the argument)', async ({ api }) => {
    watch(api);
    for (const literal of [deepArray(20_000), '{a:'.repeat(10_000) + '1' + '}'.repeat(10_000)]) {
      const query = `mutation { createCustomer(input: { name: "x", attributes: { a: ${literal} } }) { __typename } }`;
      expect(query.length).toBeLessThan(MAX_REQUEST_BYTES);
      const response = await send(api.yoga, { headers: key, body: { query } });
      // The path runs down the object keys to the first list: `a` for the lists, every `a` for the objects.
      const path = literal.startsWith('[') ? ['a'] : Array(QUERY_LIMITS.maxNesting - 3).fill('a');
      expectBadInput(response, ['createCustomer', 'input', 'attributes', ...path], new RegExp(`brackets nest more than ${QUERY_LIMITS.maxNesting} deep`));
      expect(response.ms).toBeLessThan(1_000);
    }
  });

  it('a literal past the JSON depth but within the document nesting is BAD_USER_INPUT from validation', async ({ api }) => {
    watch(api);
    const literal = '{a:'.repeat(limits.jsonDepth + 1) + '1' + '}'.repeat(limits.jsonDepth + 1);
    const response = await send(api.yoga, { headers: key, body: { query: `mutation { createCustomer(input: { name: "x", attributes: ${literal} }) { __typename } }` } });
    expectBadInput(response, ['createCustomer', 'input', 'attributes', ...Array(limits.jsonDepth).fill('a')], /more than 16 deep/);
  });

  it('selections nested past the limit are QUERY_LIMIT_EXCEEDED before parsing', async ({ api }) => {
    const query = `{ ${'a { '.repeat(5_000)}b${' }'.repeat(5_000)} }`;
    const response = await send(api.yoga, { headers: key, body: { query } });
    expect(codeOf(response)).toBe('QUERY_LIMIT_EXCEEDED');
    expect(response.body.errors[0].extensions).toMatchObject({ limit: 'nesting', max: QUERY_LIMITS.maxNesting });
  });

  it('the server still serves after all of it', async ({ api }) => {
    expect((await api.asA.gql('{ organization { id } }')).data?.organization?.id).toBeTruthy();
  });
});

describe('the checks themselves', () => {
  it('textProblem: control characters and lone surrogates; pairs, tabs and line breaks are text', () => {
    expect(textProblem('ok\t\n\r 😀 中文')).toBeUndefined();
    expect(textProblem('ok\t', { oneLine: true })).toMatch(/one line.*U\+0009 at position 2/);
    expect(textProblem('\u007f')).toMatch(/U\+007F/);
    expect(textProblem('x\ud800')).toMatch(/lone surrogate U\+D800 at position 1/);
  });

  it('jsonProblem walks without recursion: 100,000 deep is answered', () => {
    let value: unknown = 1;
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(jsonProblem(value)?.message).toMatch(/more than 16 deep/);
    expect(jsonProblem({ a: [{ b: 'fine' }], c: null })).toBeUndefined();
  });

  it('nestingPastLimit skips strings, block strings and comments', () => {
    const brackets = '['.repeat(100);
    expect(nestingPastLimit(`{ a(x: "${brackets}") }`, 64)).toBeUndefined();
    expect(nestingPastLimit(`{ a(x: """${brackets} \\""" ${brackets}""") }`, 64)).toBeUndefined();
    expect(nestingPastLimit(`{ a # ${brackets}\n }`, 64)).toBeUndefined();
    // `{`, `(` and 62 `[` are 64: the 63rd `[` (index 69) is one too many, in argument x of field a.
    expect(nestingPastLimit(`{ a(x: ${brackets}) }`, 64)).toEqual({ index: 69, path: ['a', 'x'] });
    expect(nestingPastLimit(`{ ${'a { '.repeat(70)} }`, 64)).toEqual({ index: 2 + 63 * 4 + 2, path: undefined });
    expect(nestingPastLimit(`{ a(x: {y: ${brackets}}) }`, 64)).toMatchObject({ path: ['a', 'x', 'y'] });
  });

  it('payloadHash keeps its canonical text and refuses a payload nested past any submission', () => {
    const canonical = '{"a":[1,{"c":"x"}],"b":null}';
    expect(payloadHash({ b: null, a: [1, { c: 'x', d: undefined }] })).toBe(createHash('sha256').update(canonical).digest('base64url'));
    let deep: unknown = 1;
    for (let i = 0; i < 30_000; i++) deep = [deep];
    expect(() => payloadHash({ answers: [{ value: deep }] })).toThrow(ValidationError);
  });

  it('a customer created through the service with deep attributes is a ValidationError (the zod side)', async ({ api }) => {
    let deep: unknown = 1;
    for (let i = 0; i < 5_000; i++) deep = { a: deep };
    const { createCustomer } = await import('../../server/customers/customers.service.ts');
    await expect(createCustomer(api.tenant(api.orgA.id), { name: 'deep', attributes: { a: deep } })).rejects.toThrow(/more than 16 deep/);
    expect((await api.db.db.select({ n: count() }).from(customers).where(eq(customers.name, 'deep')))[0]!.n).toBe(1); // the one of the test above
  });
});
