/**
 * Auth refusals as HTTP and GraphQL clients read them: every 401 carries a Bearer challenge
 * (WWW-Authenticate, RFC 9110 / RFC 6750), and an error about a field (scope-auth's
 * UNAUTHENTICATED or FORBIDDEN) carries that field's `path` and location, top-level or nested,
 * beside the fields that did resolve. Refusals of the whole request (the caller lookup: a bad
 * Authorization header or site key) concern no field and carry no path.
 */
import { describe, expect } from 'vitest';
import { createApiKey } from '../../server/organizations/organizations.service.ts';
import type { TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';

let readKey: string;
// On the file's API (test/helpers/fixtures.ts).
it.beforeAll(async ({ api }) => {
  readKey = (await createApiKey(api.tenant(api.orgA.id), { name: 'reader', scopes: ['read'] })).key;
});

async function post(api: TestApi, query: string, headers: Record<string, string> = {}) {
  const response = await api.yoga.fetch('http://careloop.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: (await response.json()) as any };
}

describe('401 answers carry a Bearer challenge', () => {
  it('no credentials where an API key is needed: the bare challenge', async ({ api }) => {
    const { status, challenge, body } = await post(api, '{ organization { id } }');
    expect(status).toBe(401);
    expect(challenge).toBe('Bearer realm="careloop"');
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it.for([
    ['malformed', 'Basic dXNlcjpwYXNz'],
    ['unknown', `Bearer sk_${'0'.repeat(40)}`],
  ])('a %s API key: invalid_token', async ([_what, authorization], { api }) => {
    const { status, challenge, body } = await post(api, '{ organization { id } }', { authorization });
    expect(status).toBe(401);
    expect(challenge).toBe('Bearer realm="careloop", error="invalid_token"');
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // The whole request was refused: no field to point at.
    expect(body.errors[0].path).toBeUndefined();
  });

  it('an API key and a site key together: invalid_request', async ({ api }) => {
    const { status, challenge } = await post(api, '{ __typename }', { authorization: `Bearer ${api.orgA.key}`, 'x-careloop-site-key': 'pk_x' });
    expect(status).toBe(401);
    expect(challenge).toBe('Bearer realm="careloop", error="invalid_request"');
  });

  it('an unknown site key: the bare challenge', async ({ api }) => {
    const { status, challenge } = await post(api, '{ __typename }', { 'x-careloop-site-key': 'pk_unknown', origin: 'https://shop.example.com' });
    expect(status).toBe(401);
    expect(challenge).toBe('Bearer realm="careloop"');
  });

  it('answers that are not 401 carry none', async ({ api }) => {
    expect((await post(api, '{ organization { id } }', { authorization: `Bearer ${readKey}` })).challenge).toBeNull();
    const forbidden = await post(api, '{ apiKeys { id } }', { authorization: `Bearer ${readKey}` });
    expect(forbidden.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(forbidden.challenge).toBeNull();
  });
});

describe('errors from auth name their field', () => {
  it('UNAUTHENTICATED on a top-level field: its path and location', async ({ api }) => {
    const { body } = await post(api, '{ __typename organization { id } }');
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ path: ['organization'], locations: [{ line: 1, column: 14 }], extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('FORBIDDEN beside fields that resolved: each refused field by its path (aliases and nested fields of a type-level scope included)', async ({ api }) => {
    const site = await api.createSite();
    const { status, body } = await post(api, 
      `{ organization { id } survey: publicSurvey(key: "x") { title } site: node(id: "${site.id}") { id } }`,
      { authorization: `Bearer ${readKey}` },
    );
    expect(body.data).toEqual({ organization: { id: expect.any(String) }, survey: null, site: null });
    const byPath = Object.fromEntries(body.errors.map((e: any) => [e.path.join('.'), e.extensions.code]));
    // A type's own scope (Site needs admin) refuses its fields: the path goes down to the field.
    expect(byPath).toEqual({ survey: 'FORBIDDEN', 'site.id': 'FORBIDDEN' });
    expect(body.errors.every((e: any) => e.locations?.length === 1)).toBe(true);
    expect(status).toBe(200);
  });

  it('FORBIDDEN on a mutation field', async ({ api }) => {
    const { body } = await post(api, 'mutation { createCustomer(input: { name: "X" }) { __typename } }', { authorization: `Bearer ${readKey}` });
    expect(body.errors[0]).toMatchObject({ path: ['createCustomer'], extensions: { code: 'FORBIDDEN' } });
  });
});
