import { getIntrospectionQuery } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect } from 'vitest';
import { useCaller } from '../../server/http/use-caller.ts';
import { QUERY_LIMITS, useQueryLimits } from '../../server/http/use-query-limits.ts';
import { MAX_REQUEST_BYTES } from '../../server/http/use-request-size-limit.ts';
import { schema } from '../../server/schema.ts';
import type { CareloopYoga } from '../../server/yoga.ts';
import { test as it } from '../helpers/fixtures.ts';
import { codeOf, send, siteHeaders, type RawResponse } from './security-fixtures.ts';

/** Org A's key, as a header. */
let apiKey: Record<string, string>;
/** Under this media type GraphQL over HTTP answers a refused document with 400 (plain JSON: 200). */
let strict: Record<string, string>;
// The file's site is made here, before any test, as before.
it.beforeAll(({ api, site: _ }) => {
  apiKey = { authorization: `Bearer ${api.orgA.key}` };
  strict = { ...apiKey, accept: 'application/graphql-response+json' };
});

/** Refused before execution, fast, with a clear message, a stable code and no data. */
function expectRefused(response: RawResponse, code: string, status: number, message: RegExp) {
  expect(codeOf(response), JSON.stringify(response.body).slice(0, 500)).toBe(code);
  expect(response.status).toBe(status);
  expect(response.body.errors[0].message).toMatch(message);
  expect(response.body.data ?? null).toBeNull();
  expect(response.ms).toBeLessThan(1_000);
}

describe('GraphQL Armor, for every caller', () => {
  it('refuses a depth bomb', async ({ api }) => {
    const nested = (depth: number) => `{ ${'customers(first: 1) { edges { node { '.repeat(depth)}id${' } } }'.repeat(depth)} }`;
    const response = await send(api.yoga, { headers: strict, body: { query: nested(5) } });
    expectRefused(response, 'QUERY_LIMIT_EXCEEDED', 400, new RegExp(`depth limit of ${QUERY_LIMITS.maxDepth} exceeded, found 16`));
    expect(response.body.errors[0].extensions).toEqual({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'depth', max: QUERY_LIMITS.maxDepth });
    // A deeper one is refused before it is parsed, by its brackets' nesting (use-input-checks.ts).
    const deep = await send(api.yoga, { headers: strict, body: { query: nested(150) } });
    expectRefused(deep, 'QUERY_LIMIT_EXCEEDED', 400, new RegExp(`Nesting limit of ${QUERY_LIMITS.maxNesting} exceeded`));
  });

  it('answers a refused document with 200 under plain application/json, as GraphQL over HTTP says', async ({ api }) => {
    const query = `{ ${'a { '.repeat(20)}b${' }'.repeat(20)} }`;
    const response = await send(api.yoga, { headers: apiKey, body: { query } });
    expectRefused(response, 'QUERY_LIMIT_EXCEEDED', 200, /depth limit/);
  });

  it('refuses an alias bomb', async ({ api }) => {
    const query = `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: organization { id }`).join(' ')} }`;
    const response = await send(api.yoga, { headers: strict, body: { query } });
    expectRefused(response, 'QUERY_LIMIT_EXCEEDED', 400, new RegExp(`Aliases limit of ${QUERY_LIMITS.maxAliases} exceeded`));
  });

  it('refuses a directive flood', async ({ api }) => {
    const query = `{ organization ${'@include(if: true) '.repeat(50)}{ id } }`;
    const response = await send(api.yoga, { headers: strict, body: { query } });
    expectRefused(response, 'QUERY_LIMIT_EXCEEDED', 400, /Directives limit/i);
  });

  it('refuses a token flood that fits in the body limit', async ({ api }) => {
    const query = `{ organization { ${'id '.repeat(5_000)}} }`;
    expect(query.length).toBeLessThan(MAX_REQUEST_BYTES);
    const response = await send(api.yoga, { headers: strict, body: { query } });
    expectRefused(response, 'QUERY_LIMIT_EXCEEDED', 400, new RegExp(`Token limit of ${QUERY_LIMITS.maxTokens} exceeded`));
  });

  it('refuses a query whose estimated cost is too high (many large pages)', async ({ api }) => {
    const page = 'customers(first: 100) { edges { node { id name email phone tier tags identities { id channel value } } } }';
    const ok = await send(api.yoga, { headers: apiKey, body: { query: `{ ${page} }` } });
    expect(ok.body.errors).toBeUndefined();
    const bomb = `{ ${Array.from({ length: 10 }, (_, i) => `c${i}: ${page}`).join(' ')} }`;
    const response = await send(api.yoga, { headers: strict, body: { query: bomb } });
    expectRefused(response, 'QUERY_LIMIT_EXCEEDED', 400, new RegExp(`Cost limit of ${QUERY_LIMITS.maxCost} exceeded`));
  });

  it('refuses a 1 MB query with HTTP 413 before parsing it', async ({ api }) => {
    const query = `{ organization { id } } # ${'x'.repeat(1024 * 1024)}`;
    const response = await send(api.yoga, { headers: apiKey, body: { query } });
    expectRefused(response, 'REQUEST_TOO_LARGE', 413, /Request too large: the limit is 65536 bytes/);
  });

  it('refuses by the declared Content-Length alone, and counts a streamed body that declares none', async ({ api }) => {
    const declared = await send(api.yoga, {
      headers: { ...apiKey, 'content-length': String(MAX_REQUEST_BYTES + 1) },
      body: '{"query":"{ organization { id } }"}',
    });
    expect(codeOf(declared)).toBe('REQUEST_TOO_LARGE');
    expect(declared.status).toBe(413);

    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"query":"{ organization { id } }"'));
        // 1 MB in 16 KB chunks unless the server stops reading first.
        if (sent++ < 64) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await send(api.yoga, { headers: apiKey, body: stream });
    expectRefused(streamed, 'REQUEST_TOO_LARGE', 413, /Request too large/);
  });

  it('lets a request just under the body limit through', async ({ api }) => {
    const query = `{ organization { id } } # ${'x'.repeat(MAX_REQUEST_BYTES - 200)}`;
    const response = await send(api.yoga, { headers: apiKey, body: { query } });
    expect(response.body).toEqual({ data: { organization: { id: api.orgA.id } } });
  });

  it('refuses the same bombs from a site key (before anything else)', async ({ api, site }) => {
    const query = `{ ${'a { '.repeat(50)}b${' }'.repeat(50)} }`;
    const response = await send(api.yoga, { headers: siteHeaders(site), body: { query } });
    // A raw document from a site key never reaches validation.
    expect(codeOf(response)).toBe('PERSISTED_QUERY_ONLY');
    const large = await send(api.yoga, { headers: siteHeaders(site), body: { query: `#${'x'.repeat(1024 * 1024)}` } });
    expect(codeOf(large)).toBe('REQUEST_TOO_LARGE');
  });
});

describe('introspection and field suggestions', () => {
  it('an API key may introspect the whole schema', async ({ api }) => {
    const response = await send(api.yoga, { headers: apiKey, body: { query: getIntrospectionQuery() } });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.__schema.queryType.name).toBe('Query');
  });

  it('an API key gets field suggestions', async ({ api }) => {
    const response = await send(api.yoga, { headers: apiKey, body: { query: '{ organizaton { id } }' } });
    expect(response.body.errors[0].message).toMatch(/Did you mean "organization"\?/);
  });

  it('a site key may not introspect', async ({ api, site }) => {
    const response = await send(api.yoga, { headers: siteHeaders(site), body: { query: '{ __schema { types { name } } }' } });
    expect(codeOf(response)).toBe('PERSISTED_QUERY_ONLY');
    expect(response.body.data ?? null).toBeNull();
  });

  // A site key cannot send its own documents at all, so the rules behind that refusal are
  // checked on their own here: they must hold even if a persisted document asked for more.
  // The rules ask the resolved caller, so the caller is resolved first (useCaller), as in the server.
  describe('the site-key rules themselves (useQueryLimits on the live schema)', () => {
    let yoga: CareloopYoga;
    let widget: Record<string, string>;
    it.beforeAll(({ api, site }) => {
      yoga = createYoga({ schema, logging: false, plugins: [useCaller(api.db.db), useQueryLimits()] }) as unknown as CareloopYoga;
      widget = siteHeaders(site);
    });

    it('never sees a site key that is not good: it is refused before the document is parsed', async () => {
      const response = await send(yoga, { headers: { ...widget, 'x-careloop-site-key': 'pk_test' }, body: { query: '{ __schema { types { name } } }' } });
      expect(codeOf(response)).toBe('UNAUTHENTICATED');
      expect(response.body.data ?? null).toBeNull();
    });

    it('refuses introspection with INTROSPECTION_DISABLED', async () => {
      for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Query") { fields { name } } }', getIntrospectionQuery()]) {
        const response = await send(yoga, { headers: widget, body: { query } });
        expect(codeOf(response)).toBe('INTROSPECTION_DISABLED');
        expect(response.body.data ?? null).toBeNull();
      }
    });

    it('allows __typename', async () => {
      const response = await send(yoga, { headers: widget, body: { query: '{ __typename }' } });
      expect(response.body).toEqual({ data: { __typename: 'Query' } });
    });

    it('strips "Did you mean …?" from validation and variable errors', async () => {
      const validation = await send(yoga, { headers: widget, body: { query: '{ organizaton { id } }' } });
      expect(validation.body.errors[0].message).toBe('Cannot query field "organizaton" on type "Query".');
      const variables = await send(yoga, {
        headers: widget,
        body: {
          query: 'mutation($input: FileComplaintInput!) { fileComplaint(input: $input) { __typename } }',
          variables: { input: { category: 'DELIVERYY', description: 'x', idempotencyKey: 'k' } },
        },
      });
      expect(variables.body.errors.length).toBeGreaterThan(0);
      expect(JSON.stringify(variables.body)).not.toMatch(/Did you mean/);
    });

    it('keeps both for requests without a site key', async () => {
      const response = await send(yoga, { body: { query: '{ organizaton { id } }' } });
      expect(response.body.errors[0].message).toMatch(/Did you mean/);
      const introspection = await send(yoga, { body: { query: '{ __schema { queryType { name } } }' } });
      expect(introspection.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    });
  });
});
