import { describe, expect } from 'vitest';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { originAllowed } from '../../server/auth/origins.ts';
import { createApiKey } from '../../server/organizations/organizations.service.ts';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { dataOf, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';

// The file's API is built in a hook, under hookTimeout as before, not within the first test's time.
it.beforeAll(({ api: _ }) => {});

const PUBLIC_SURVEY = persistedOperation('PublicSurvey').document;
const probe = (api: TestApi, key: string, origin: string) =>
  api.withSite(key, origin).gql(PUBLIC_SURVEY, { key: 'none', locale: 'en' });

describe('origin rules', () => {
  it('matches exact origins and one-or-more-label wildcards, nothing looser', () => {
    const rules = ['https://shop.example.com', 'https://*.example.org', 'http://localhost:5173'];
    expect(originAllowed('https://shop.example.com', rules)).toBe(true);
    expect(originAllowed('https://SHOP.example.com', rules)).toBe(true);
    expect(originAllowed('http://shop.example.com', rules)).toBe(false);
    expect(originAllowed('https://shop.example.com.evil.net', rules)).toBe(false);
    expect(originAllowed('https://a.example.org', rules)).toBe(true);
    expect(originAllowed('https://a.b.example.org', rules)).toBe(true);
    expect(originAllowed('https://example.org', rules)).toBe(false);
    expect(originAllowed('https://evilexample.org', rules)).toBe(false);
    expect(originAllowed('http://localhost:5173', rules)).toBe(true);
    expect(originAllowed('http://localhost:5174', rules)).toBe(false);
    expect(originAllowed(null, rules)).toBe(false);
    expect(originAllowed('null', rules)).toBe(false);
  });
});

describe('sites', () => {
  it('creates a site with a pk_ key and a secret shown once, never listed', async ({ api }) => {
    const site = await api.createSite({ allowedOrigins: ['https://Shop.Example.com/', 'https://*.example.net'] });
    expect(site.publishableKey).toMatch(/^pk_[A-Za-z0-9_-]{24}$/);
    expect(site.identitySecret.length).toBeGreaterThan(40);
    const listed = dataOf(await api.asA.gql('{ sites { id allowedOrigins publishableKey } }')).sites;
    const mine = listed.find((s: { id: string }) => s.id === site.id);
    expect(mine.allowedOrigins).toEqual(['https://shop.example.com', 'https://*.example.net']);
    expect(JSON.stringify(listed)).not.toContain(site.identitySecret);
  });

  it('rejects bad origin rules with the path of each', async ({ api }) => {
    const result = dataOf(
      await api.asA.gql(
        `mutation { createSite(input: { name: "x", allowedOrigins: ["https://ok.example", "javascript:alert(1)", "https://*"] }) {
          __typename ... on ValidationError { issues { path message } } } }`,
      ),
    ).createSite;
    expect(result.__typename).toBe('ValidationError');
    expect(result.issues.map((i: { path: string[] }) => i.path.join('.'))).toEqual(['input.allowedOrigins.1', 'input.allowedOrigins.2']);
  });

  it('gives a Site a global id that node reads back, for the admin scope only', async ({ api }) => {
    const site = await api.createSite({ allowedOrigins: ['https://node.example.com'] });
    expect(decodeGlobalID(site.id)).toEqual({ typename: 'Site', id: site.rowId });
    const read = dataOf(await api.asA.gql(`query($id: ID!) { node(id: $id) { id ... on Site { name } } }`, { id: site.id }));
    expect(read.node).toEqual({ id: site.id, name: 'Shop' });
    const { key } = await createApiKey(api.tenant(api.orgA.id), { name: 'reader', scopes: ['read'] });
    const denied = await api.withKey(key).gql(`query($id: ID!) { node(id: $id) { id ... on Site { name } } }`, { id: site.id });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(denied.data?.node ?? null).toBeNull();
  });

  it('refuses an id of another type where a Site id is wanted, naming the argument', async ({ api }) => {
    const customer = dataOf(
      await api.asA.gql('mutation { createCustomer(input: { name: "x" }) { ... on MutationCreateCustomerSuccess { data { id } } } }'),
    ).createCustomer.data;
    const result = dataOf(
      await api.asA.gql(`mutation($id: ID!) { rotateSiteKeys(input: { id: $id }) { __typename ... on ValidationError { issues { path } } } }`, {
        id: customer.id,
      }),
    ).rotateSiteKeys;
    expect(result).toEqual({ __typename: 'ValidationError', issues: [{ path: ['input', 'id'] }] });
  });

  it('needs the admin scope', async ({ api }) => {
    const { key } = await import('../../server/organizations/organizations.service.ts').then((m) =>
      m.createApiKey(api.tenant(api.orgA.id), { name: 'rw', scopes: ['read', 'write'] }),
    );
    const result = await api.withKey(key).gql('{ sites { id } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('widget requests', () => {
  /** A widget request as a browser sends it: by POST, or as a GET persisted query. */
  const widgetFetch = (api: TestApi, key: string, origin: string | undefined, method: 'GET' | 'POST' = 'POST') => {
    const headers: Record<string, string> = { 'x-careloop-site-key': key, ...(origin ? { origin } : {}) };
    if (method === 'GET') {
      const search = new URLSearchParams({
        extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: persistedOperation('PublicSurvey').hash } }),
        variables: JSON.stringify({ key: 'none' }),
      });
      return api.yoga.fetch(`http://careloop.test/graphql?${search}`, { headers: { accept: 'application/json', ...headers } });
    }
    return api.yoga.fetch('http://careloop.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: PUBLIC_SURVEY, variables: { key: 'none' } }),
    });
  };

  /** CORS for exactly this origin, never credentials, and Vary: Origin (the answer depends on it). */
  const expectCorsFor = (response: Response, origin: string) => {
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
  };

  it('accepts an allowed origin and answers with CORS for that origin only, without credentials, varying by Origin', async ({ api }) => {
    const site = await api.createSite({ allowedOrigins: ['https://shop.example.com', 'https://*.example.org'] });
    for (const [origin, method] of [
      ['https://shop.example.com', 'POST'],
      ['https://a.example.org', 'POST'],
      ['https://shop.example.com', 'GET'],
    ] as const) {
      const response = await widgetFetch(api, site.publishableKey, origin, method);
      expect(response.status, `${method} from ${origin}`).toBe(200);
      expectCorsFor(response, origin);
      expect(await response.json()).toEqual({ data: { publicSurvey: null } });
    }
  });

  it('refuses a wrong or missing origin with FORBIDDEN, readable by the page: CORS for its origin, no credentials', async ({ api }) => {
    const site = await api.createSite({ allowedOrigins: ['https://shop.example.com'] });
    // The first request looks the site up (a promise); the later ones find it cached (no promise).
    for (const [origin, method] of [
      ['https://evil.example', 'POST'],
      ['https://shop.example.com.evil.example', 'POST'],
      ['https://evil.example', 'GET'],
    ] as const) {
      const response = await widgetFetch(api, site.publishableKey, origin, method);
      expect(response.status).toBe(403);
      expectCorsFor(response, origin);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe('FORBIDDEN');
      expect(body.errors[0]!.message).toBe(`Origin ${origin} is not allowed for this site`);
    }
    const missing = await api.withHeaders({ 'x-careloop-site-key': site.publishableKey }).gql(PUBLIC_SURVEY, { key: 'none' });
    expect(missing.errors?.[0]?.message).toMatch(/Origin header is missing/);
  });

  it('refuses unknown and malformed site keys, and a site key sent with an API key', async ({ api }) => {
    for (const key of ['pk_' + 'x'.repeat(24), 'nope', '']) {
      const result = await probe(api, key, 'https://shop.example.com');
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const site = await api.createSite();
    const both = await api
      .withHeaders({ 'x-careloop-site-key': site.publishableKey, origin: site.origin, authorization: `Bearer ${api.orgA.key}` })
      .gql(PUBLIC_SURVEY, { key: 'none' });
    expect(both.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers an unknown or mistyped site key 401 with CORS for the origin, so the page can read why', async ({ api }) => {
    // Well-formed but unknown (looked up, a promise), malformed (refused at once), and empty.
    for (const [key, method] of [
      ['pk_' + 'x'.repeat(24), 'POST'],
      ['pk_' + 'y'.repeat(24), 'GET'],
      ['pk_typo', 'POST'],
      ['', 'POST'],
    ] as const) {
      const response = await widgetFetch(api, key, 'https://shop.example.com', method);
      expect(response.status, `${method} ${key}`).toBe(401);
      expectCorsFor(response, 'https://shop.example.com');
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]).toMatchObject({ message: 'Unknown or malformed site key', extensions: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('answers a preflight without credentials, varying by Origin, and no CORS for API-key requests', async ({ api }) => {
    const preflight = await api.yoga.fetch('http://careloop.test/graphql', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-careloop-site-key' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-careloop-site-key');
    expectCorsFor(preflight, 'https://shop.example.com');
    for (const authorization of [`Bearer ${api.orgA.key}`, 'Bearer sk_unknown', undefined]) {
      const server = await api.yoga.fetch('http://careloop.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: '{ organization { slug } }' }),
      });
      expect(server.headers.get('access-control-allow-origin'), String(authorization)).toBeNull();
      expect(server.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('stops the old key at once after rotateSiteKeys, and new origins apply at once', async ({ api }) => {
    const site = await api.createSite({ allowedOrigins: ['https://shop.example.com'] });
    expect((await probe(api, site.publishableKey, site.origin)).errors).toBeUndefined();
    expect((await probe(api, site.publishableKey, 'https://new.example.com')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    dataOf(
      await api.asA.gql(`mutation($id: ID!) { updateSite(input: { id: $id, allowedOrigins: ["https://new.example.com"] }) { __typename } }`, {
        id: site.id,
      }),
    );
    expect((await probe(api, site.publishableKey, 'https://new.example.com')).errors).toBeUndefined();
    expect((await probe(api, site.publishableKey, site.origin)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const rotated = dataOf(
      await api.asA.gql(
        `mutation($id: ID!) { rotateSiteKeys(input: { id: $id }) { ... on MutationRotateSiteKeysSuccess { data { identitySecret site { publishableKey keysRotatedAt } } } } }`,
        { id: site.id },
      ),
    ).rotateSiteKeys.data;
    expect(rotated.site.publishableKey).not.toBe(site.publishableKey);
    expect(rotated.identitySecret).not.toBe(site.identitySecret);
    expect(rotated.site.keysRotatedAt).toBeTruthy();
    expect((await probe(api, site.publishableKey, 'https://new.example.com')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await probe(api, rotated.site.publishableKey, 'https://new.example.com')).errors).toBeUndefined();
  });
});
