/**
 * Status codes and content negotiation by the GraphQL-over-HTTP spec, for both response types:
 * a request error (variables that do not coerce, an unknown operation, a document that does
 * not validate) is 200 under application/json and 400 under application/graphql-response+json;
 * an answer whose data is not null is 2xx under both, even when a field was refused; `Accept`
 * q-values choose the type (q=0 refuses it: 406). The widget operations (graphql-jit for site
 * keys, which hands bad variables back to yoga's executor) answer the same.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { negotiateResponseType } from '../../server/http/use-graphql-over-http.ts';
import type { TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';

const JSON_TYPE = 'application/json';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

// The file's API and site (test/helpers/fixtures.ts), made before the first test as before.
it.beforeAll(({ site: _ }) => {});

interface Answer {
  status: number;
  type: string | null;
  body: any;
}

async function post(api: TestApi, body: unknown, headers: Record<string, string | undefined>): Promise<Answer> {
  const sent = Object.fromEntries(Object.entries({ 'content-type': 'application/json', ...headers }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const response = await api.yoga.fetch('http://careloop.test/graphql', { method: 'POST', headers: sent, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : null };
}

const withKey = (api: TestApi, accept: string | undefined) => ({ authorization: `Bearer ${api.orgA.key}`, accept });

describe('a variable that does not coerce', () => {
  const query = 'query($first: Int) { customers(first: $first) { totalCount } }';
  const bad = { query, variables: { first: 'abc' } };

  it('is 200 with the error under application/json (also with no Accept, or */*)', async ({ api }) => {
    for (const accept of [JSON_TYPE, undefined, '*/*']) {
      const answer = await post(api, bad, withKey(api, accept));
      expect(answer.status, accept).toBe(200);
      expect(answer.type).toBe(`${JSON_TYPE}; charset=utf-8`);
      expect(answer.body).not.toHaveProperty('data');
      expect(answer.body.errors).toHaveLength(1);
      expect(answer.body.errors[0].message).toMatch(/^Variable "\$first" got invalid value "abc"; Int cannot represent non-integer value/);
    }
  });

  it('is 400 with the error under application/graphql-response+json', async ({ api }) => {
    const answer = await post(api, bad, withKey(api, GRAPHQL_RESPONSE));
    expect(answer.status).toBe(400);
    expect(answer.type).toBe(`${GRAPHQL_RESPONSE}; charset=utf-8`);
    expect(answer.body).not.toHaveProperty('data');
    expect(answer.body.errors[0].message).toMatch(/^Variable "\$first" got invalid value/);
  });

  it('a missing required variable and an unknown operation name are request errors too', async ({ api }) => {
    for (const body of [
      { query: 'query($id: ID!) { node(id: $id) { id } }' },
      { query: 'query A { __typename }', operationName: 'B' },
    ]) {
      expect((await post(api, body, withKey(api, JSON_TYPE))).status).toBe(200);
      expect((await post(api, body, withKey(api, GRAPHQL_RESPONSE))).status).toBe(400);
    }
  });

  it('the same from a widget operation (a site key, through graphql-jit)', async ({ api, site }) => {
    const { hash } = persistedOperation('SubmitResolutionCheck');
    const body = {
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
      variables: { input: { subject: 'test:http', solved: 'yes', idempotencyKey: randomUUID() } },
    };
    const widget = (accept: string) => ({ 'x-careloop-site-key': site.publishableKey, origin: site.origin, accept });
    const asJson = await post(api, body, widget(JSON_TYPE));
    expect(asJson.status).toBe(200);
    expect(asJson.body.errors[0].message).toMatch(/^Variable "\$input" got invalid value "yes" at "input.solved"/);
    const asGraphQLResponse = await post(api, body, widget(GRAPHQL_RESPONSE));
    expect(asGraphQLResponse.status).toBe(400);
    expect(asGraphQLResponse.body).not.toHaveProperty('data');
  });
});

describe('other answers keep the spec', () => {
  it('a document that does not validate: 200 under application/json, 400 under graphql-response+json', async ({ api }) => {
    const body = { query: '{ nope }' };
    const asJson = await post(api, body, withKey(api, JSON_TYPE));
    expect(asJson.status).toBe(200);
    expect(asJson.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await post(api, body, withKey(api, GRAPHQL_RESPONSE))).status).toBe(400);
  });

  it('a malformed request (no query, operationName not a string, a body that is not JSON) is 400 under both', async ({ api }) => {
    for (const accept of [JSON_TYPE, GRAPHQL_RESPONSE]) {
      expect((await post(api, { query: '{ __typename }', operationName: 7 }, withKey(api, accept))).status).toBe(400);
      expect((await post(api, { notquery: '{ __typename }' }, withKey(api, accept))).status).toBe(400);
      const notJson = await api.yoga.fetch('http://careloop.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${api.orgA.key}`, accept }, body: '{not json' });
      expect(notJson.status).toBe(400);
    }
  });

  it('data that is not null is 200 under both types, even when a field was refused (UNAUTHENTICATED)', async ({ api }) => {
    for (const accept of [JSON_TYPE, GRAPHQL_RESPONSE]) {
      const answer = await post(api, { query: '{ __typename publicSurvey(key: "x") { title } }' }, { accept });
      expect(answer.status, accept).toBe(200);
      expect(answer.body.data).toEqual({ __typename: 'Query', publicSurvey: null });
      expect(answer.body.errors[0]).toMatchObject({ path: ['publicSurvey'], extensions: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('no data at all for lack of an API key stays 401 under both types', async ({ api }) => {
    for (const accept of [JSON_TYPE, GRAPHQL_RESPONSE]) {
      const answer = await post(api, { query: '{ organization { id } }' }, { accept });
      expect(answer.status, accept).toBe(401);
      expect(answer.body.data).toBeNull();
    }
  });
});

describe('Accept q-values', () => {
  it.for([
    [`${GRAPHQL_RESPONSE};q=0.1, ${JSON_TYPE}`, JSON_TYPE],
    [`${JSON_TYPE};q=0.5, ${GRAPHQL_RESPONSE}`, GRAPHQL_RESPONSE],
    [`${JSON_TYPE}, ${GRAPHQL_RESPONSE}`, JSON_TYPE],
    [`${GRAPHQL_RESPONSE}, ${JSON_TYPE}`, GRAPHQL_RESPONSE],
    [`${GRAPHQL_RESPONSE};q=0.8, application/*;q=0.9`, JSON_TYPE],
    [`*/*;q=0.2, ${GRAPHQL_RESPONSE};q=0.3`, GRAPHQL_RESPONSE],
    [`${JSON_TYPE};charset=iso-8859-1, ${GRAPHQL_RESPONSE};q=0.5`, GRAPHQL_RESPONSE],
    [`text/html, */*;q=0.8`, JSON_TYPE],
  ])('%s answers %s', async ([accept, expected], { api }) => {
    expect(negotiateResponseType(accept)).toBe(expected);
    const answer = await post(api, { query: '{ __typename }' }, withKey(api, accept));
    expect(answer.status).toBe(200);
    expect(answer.type).toBe(`${expected}; charset=utf-8`);
    expect(answer.body.data.__typename).toBe('Query');
  });

  it('the variable-coercion answer follows the chosen type: 200 for application/json preferred, 400 for graphql-response+json preferred', async ({ api }) => {
    const bad = { query: 'query($first: Int) { customers(first: $first) { totalCount } }', variables: { first: 'abc' } };
    expect((await post(api, bad, withKey(api, `${GRAPHQL_RESPONSE};q=0.1, ${JSON_TYPE}`))).status).toBe(200);
    expect((await post(api, bad, withKey(api, `${JSON_TYPE};q=0.1, ${GRAPHQL_RESPONSE}`))).status).toBe(400);
  });

  it.for([`${JSON_TYPE};q=0`, `text/html, ${JSON_TYPE};q=0, ${GRAPHQL_RESPONSE};q=0`, 'text/html', 'image/png;q=1'])('%s: 406', async (accept, { api }) => {
    expect(negotiateResponseType(accept)).toBeUndefined();
    const answer = await post(api, { query: '{ __typename }' }, withKey(api, accept));
    expect(answer.status).toBe(406);
    expect(answer.body).toBeNull();
  });

  it('a stream preferred (SSE) is left to yoga', async ({ api }) => {
    expect(negotiateResponseType('text/event-stream')).toBe('text/event-stream');
    const response = await api.yoga.fetch('http://careloop.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${api.orgA.key}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await response.text()).toContain('"__typename":"Query"');
  });
});
