import { expect, vi } from 'vitest';
import { test as it } from '../helpers/fixtures.ts';
import { persistedBody, send, siteHeaders } from './security-fixtures.ts';

// Counts compilations: graphql-jit compiles a widget operation once, however a caller spells it.
const compiled = vi.hoisted(() => ({ count: 0 }));
vi.mock('graphql-jit', async (importOriginal) => {
  const jit = await importOriginal<typeof import('graphql-jit')>();
  return {
    ...jit,
    compileQuery: (...args: Parameters<typeof jit.compileQuery>) => {
      compiled.count++;
      return jit.compileQuery(...args);
    },
  };
});

// The file's API and site are built in a hook, under hookTimeout as before, not within the test's time.
it.beforeAll(({ site: _ }) => {});

it('a widget operation is compiled once, whether the request names the operation or not', async ({ api, site }) => {
  const lookup = (operationName?: string) =>
    send(api.yoga, {
      headers: siteHeaders(site),
      body: { ...persistedBody('ComplaintStatus', { reference: 'C-AAAA-AAAA', trackingToken: 'nope' }), operationName },
    });
  const before = compiled.count;
  for (const name of [undefined, 'ComplaintStatus', undefined, 'ComplaintStatus', undefined, 'ComplaintStatus']) {
    const response = await lookup(name);
    expect(response.body.data?.complaintStatus?.__typename, JSON.stringify(response.body)).toBe('NotFoundError');
  }
  expect(compiled.count - before).toBe(1);
  // A name the document does not hold is refused by yoga, and compiles nothing.
  expect((await lookup('Other')).body.errors?.[0]?.message).toMatch(/Could not determine what operation to execute/);
  expect(compiled.count - before).toBe(1);
});
