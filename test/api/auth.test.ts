import { GraphQLError } from 'graphql';
import { describe, expect } from 'vitest';
import { maskError } from '../../server/http/mask-error.ts';
import { createApiKey, revokeApiKey } from '../../server/organizations/organizations.service.ts';
import { NotFoundError } from '../../server/shared/errors.ts';
import { dataOf, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';

// The file's API is built in a hook, under hookTimeout as before, not within the first test's time.
it.beforeAll(({ api: _ }) => {});

const LIST = '{ customers(first: 1) { totalCount } }';
const CREATE = `mutation { createCustomer(input: { name: "X" }) { __typename } }`;

function expectError(result: { errors?: readonly any[] }, code: string, message?: RegExp) {
  expect(result.errors, JSON.stringify(result)).toBeDefined();
  const [error] = result.errors!;
  expect(error.extensions?.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
  // Never a stack trace or the original error leaking to the client.
  expect(JSON.stringify(result)).not.toMatch(/\bat .*\.ts:\d+/);
  expect(error.extensions?.stacktrace).toBeUndefined();
  expect(error.extensions?.originalError).toBeUndefined();
}

describe('API keys', () => {
  it('refuses a missing key with UNAUTHENTICATED', async ({ api }) => {
    expectError(await api.anonymous.gql(LIST), 'UNAUTHENTICATED', /API key is required/);
  });

  it('refuses a malformed Authorization header with UNAUTHENTICATED and HTTP 401', async ({ api }) => {
    for (const header of ['Bearer', 'Bearer nope', 'Basic abc', `Bearer ${api.orgA.key}x`, api.orgA.key]) {
      const result = await api.withHeaders({ authorization: header }).gql(LIST);
      expectError(result, 'UNAUTHENTICATED', /Malformed/);
      expect(result.status).toBe(401);
      expect(result.data ?? null).toBeNull();
    }
  });

  it('refuses an unknown key of the right shape', async ({ api }) => {
    const unknown = `sk_${'A'.repeat(43)}`;
    const result = await api.withKey(unknown).gql(LIST);
    expectError(result, 'UNAUTHENTICATED', /Unknown API key/);
    expect(result.status).toBe(401);
  });

  it('refuses a revoked key at once', async ({ api }) => {
    const { key, row } = await createApiKey(api.tenant(api.orgA.id), { name: 'soon revoked', scopes: ['read'] });
    dataOf(await api.withKey(key).gql(LIST));
    await revokeApiKey(api.tenant(api.orgA.id), row.id);
    expectError(await api.withKey(key).gql(LIST), 'UNAUTHENTICATED', /revoked/);
  });

  it('stores only the hash of a key', async ({ api }) => {
    const { key, row } = await createApiKey(api.tenant(api.orgA.id), { name: 'hashed', scopes: ['read'] });
    expect(JSON.stringify(row)).not.toContain(key);
    expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('scopes', () => {
  const keyWith = async (api: TestApi, scopes: string[]) =>
    api.withKey((await createApiKey(api.tenant(api.orgA.id), { name: scopes.join('+'), scopes })).key);

  it('a read key reads but may not write or manage keys', async ({ api }) => {
    const reader = await keyWith(api, ['read']);
    dataOf(await reader.gql(LIST));
    expectError(await reader.gql(CREATE), 'FORBIDDEN', /scope/);
    expectError(await reader.gql('{ apiKeys { id } }'), 'FORBIDDEN');
    expectError(await reader.gql('mutation { createApiKey(input: { name: "x", scopes: [ADMIN] }) { __typename } }'), 'FORBIDDEN');
  });

  it('a write key writes but may not list customers', async ({ api }) => {
    const writer = await keyWith(api, ['write']);
    expect(dataOf(await writer.gql(CREATE)).createCustomer.__typename).toBe('MutationCreateCustomerSuccess');
    expectError(await writer.gql(LIST), 'FORBIDDEN');
  });

  it('an admin key manages keys: create, list, revoke over GraphQL', async ({ api }) => {
    const admin = await keyWith(api, ['admin']);
    const created = dataOf(
      await admin.gql(`mutation { createApiKey(input: { name: "console", scopes: [READ, READ, WRITE] }) {
        ... on MutationCreateApiKeySuccess { data { key apiKey { id scopes prefix revokedAt } } } } }`),
    ).createApiKey.data;
    expect(created.key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey.scopes).toEqual(['READ', 'WRITE']);
    expect(created.key.startsWith(created.apiKey.prefix)).toBe(true);
    const listed = dataOf(await admin.gql('{ apiKeys { id name } }')).apiKeys;
    expect(listed.map((k: { id: string }) => k.id)).toContain(created.apiKey.id);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const revoked = dataOf(
      await admin.gql(`mutation($id: ID!) { revokeApiKey(input: { id: $id }) { ... on MutationRevokeApiKeySuccess { data { revokedAt } } } }`, {
        id: created.apiKey.id,
      }),
    ).revokeApiKey.data;
    expect(revoked.revokedAt).toBeTruthy();
    expectError(await api.withKey(created.key).gql(LIST), 'UNAUTHENTICATED', /revoked/);
  });

  it('createApiKey rejects an empty scope list with a ValidationError', async ({ api }) => {
    const result = dataOf(
      await api.asA.gql(`mutation { createApiKey(input: { name: "none", scopes: [] }) { __typename ... on ValidationError { issues { path } } } }`),
    );
    expect(result.createApiKey.__typename).toBe('ValidationError');
    expect(result.createApiKey.issues[0].path).toEqual(['input', 'scopes']);
  });
});

describe('error masking', () => {
  it('masks unexpected errors', () => {
    const wrapped = new GraphQLError('boom', { originalError: new Error('connection string postgres://secret') });
    const masked = maskError(wrapped, 'Unexpected error.', false) as GraphQLError;
    expect(masked.message).toBe('Unexpected error.');
    expect(JSON.stringify(masked)).not.toContain('secret');
  });

  it('passes expected failures with a stable code', () => {
    const wrapped = new GraphQLError('x', { originalError: new NotFoundError('Customer', 'c1') });
    const shown = maskError(wrapped, 'Unexpected error.', false) as GraphQLError;
    expect(shown.extensions.code).toBe('NOT_FOUND');
  });

  it('gives BAD_USER_INPUT for a malformed id in a query', async ({ api }) => {
    expectError(await api.asA.gql('{ customer(id: "garbage") { id } }'), 'BAD_USER_INPUT', /not a global id of type Customer/);
  });
});
