import { execute, parse } from 'graphql';
import { describe, expect } from 'vitest';
import { schema } from '../../server/schema.ts';
import { test as it } from '../helpers/fixtures.ts';
import { check, feedbackCount, ok, submit, submitRaw, SUBMIT_CHECK } from './feedback-fixtures.ts';

// Widget operations from site keys run compiled (server/http/use-compiled-widget-operations.ts):
// what a widget sees must not change.
// The file's API and site are built in a hook, under hookTimeout as before, not within the first test's time.
it.beforeAll(({ widget: _ }) => {});

/** What graphql-js itself answers to these variables (coercion fails before any resolver runs). */
async function graphqlJsErrors(input: unknown) {
  const result = await execute({ schema, document: parse(SUBMIT_CHECK), variableValues: { input } });
  expect(result.data).toBeUndefined();
  return result.errors!.map((error) => ({ message: error.message, code: error.extensions?.code }));
}

describe('compiled widget operations', () => {
  // it.for, not it.each: only it.for hands the test its fixtures (next to the row).
  it.for([
    ['a wrong type', { ...check(), solved: 'yes' }],
    ['a missing required field', { subject: 'article:1', idempotencyKey: 'b6f1d6a2-58b5-4a4e-9c7e-0d7e0f1e2a3b' }],
    ['an unknown field', { ...check(), nope: 1 }],
    ['a value that is not an object', 'text'],
  ] as const)('answer variables with %s with graphql-js’s own errors and store nothing', async ([, input], { api, widget }) => {
    const before = await feedbackCount(api.asA);
    const response = await submitRaw(widget, input as Record<string, unknown>);
    expect(response.data).toBeUndefined();
    // graphql-js's own texts; the code is the one use-input-checks.ts gives every refused variable.
    expect(response.errors!.map((error) => ({ message: error.message, code: error.extensions?.code }))).toEqual(
      (await graphqlJsErrors(input)).map((error) => ({ ...error, code: 'BAD_USER_INPUT' })),
    );
    expect(await feedbackCount(api.asA)).toBe(before);
  });

  it('store a valid submission once, and a replay answers the same receipt', async ({ api, widget }) => {
    const before = await feedbackCount(api.asA);
    const input = check();
    const first = ok(await submit(widget, input));
    const again = ok(await submit(widget, input));
    expect(again).toEqual(first);
    expect(await feedbackCount(api.asA)).toBe(before + 1);
  });
});
