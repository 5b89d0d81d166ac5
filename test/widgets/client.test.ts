// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { callOperation, graphqlUrl, operationHashes } from '../../widgets/internal/api.ts';
import manifest from '../../widgets/persisted-operations.json' with { type: 'json' };

/** The manifest's hash of an operation, found by its name. */
const hashOf = (name: string) => Object.entries(manifest as Record<string, string>).find(([, document]) => document.split('(')[0]!.endsWith(` ${name}`))![0];

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => vi.unstubAllGlobals());

describe('graphqlUrl', () => {
  it('defaults to /graphql on the origin the script came from; an endpoint attribute overrides it', () => {
    expect(graphqlUrl(undefined, 'https://care.example.com/widgets/careloop.js?v=1')).toBe('https://care.example.com/graphql');
    expect(graphqlUrl('https://api.example.org', 'https://care.example.com/widgets/careloop.js')).toBe('https://api.example.org/graphql');
    expect(graphqlUrl('https://api.example.org/careloop/graphql', 'https://x.test/')).toBe('https://api.example.org/careloop/graphql');
  });
});

describe('callOperation', () => {
  it('sends the persisted hash with the site key, never the document', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => json({ data: { submitResolutionCheck: { __typename: 'MutationSubmitResolutionCheckSuccess', data: { id: 'f1' } } } }));
    vi.stubGlobal('fetch', fetch);
    const outcome = await callOperation('https://c.test/graphql', 'pk_1', 'SubmitResolutionCheck', { input: { solved: true } });
    expect(outcome).toEqual({ ok: true, data: { id: 'f1' } });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://c.test/graphql');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)['x-careloop-site-key']).toBe('pk_1');
    const body = JSON.parse(init.body as string);
    expect(body).toEqual({
      variables: { input: { solved: true } },
      extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('SubmitResolutionCheck') } },
    });
    expect(body.query).toBeUndefined();
  });

  it('knows the hash of every widget operation in the manifest', () => {
    for (const name of ['PublicSurvey', 'SubmitSurveyResponse', 'SubmitResolutionCheck', 'FileComplaint', 'ComplaintStatus']) {
      expect(operationHashes[name]).toBe(hashOf(name));
    }
  });

  it('retries network failures, 429 and 5xx; a refusal is final', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValueOnce(new TypeError('Failed to fetch')));
    expect(await callOperation('https://c.test/graphql', 'pk', 'FileComplaint', {})).toMatchObject({ ok: false, retry: true });

    vi.stubGlobal('fetch', vi.fn(async () => json({ errors: [{ message: 'Too many submissions' }] }, 429)));
    expect(await callOperation('https://c.test/graphql', 'pk', 'FileComplaint', {})).toEqual({ ok: false, retry: true, message: 'Too many submissions' });

    vi.stubGlobal('fetch', vi.fn(async () => new Response('bad gateway', { status: 502 })));
    expect(await callOperation('https://c.test/graphql', 'pk', 'FileComplaint', {})).toMatchObject({ ok: false, retry: true });

    vi.stubGlobal('fetch', vi.fn(async () => json({ errors: [{ message: 'Origin https://evil.test is not allowed for this site' }] }, 403)));
    expect(await callOperation('https://c.test/graphql', 'pk', 'FileComplaint', {})).toEqual({
      ok: false,
      retry: false,
      message: 'Origin https://evil.test is not allowed for this site',
    });

    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json({ data: { fileComplaint: { __typename: 'ValidationError', message: 'Invalid', issues: [{ path: ['description'], message: 'must be at least 10 characters' }] } } })),
    );
    expect(await callOperation('https://c.test/graphql', 'pk', 'FileComplaint', {})).toEqual({ ok: false, retry: false, message: 'must be at least 10 characters' });
  });

  it('returns a query result as it is (null for an unknown survey)', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json({ data: { publicSurvey: null } })));
    expect(await callOperation('https://c.test/graphql', 'pk', 'PublicSurvey', { key: 'x' })).toEqual({ ok: true, data: null });
  });
});
