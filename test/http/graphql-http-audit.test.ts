import { auditServer } from 'graphql-http';
import { expect } from 'vitest';
import { test as it } from '../helpers/fixtures.ts';

// graphql-http's own audit of the GraphQL-over-HTTP spec (its MUST and SHOULD rules, both
// response types), run against the app as the tests build it. A rule careloop breaks on
// purpose would be listed here with the reason; there is none.
it('passes every rule of the graphql-http audit', async ({ api }) => {
  const results = await auditServer({
    url: 'http://careloop.test/graphql',
    fetchFn: (input: unknown, init?: unknown) => api.yoga.fetch(String(input), init as never),
  });
  expect(results.length).toBeGreaterThan(50);
  expect(results.filter((r) => r.status !== 'ok').map((r) => `${r.id} ${r.name}: ${r.status}`)).toEqual([]);
});
