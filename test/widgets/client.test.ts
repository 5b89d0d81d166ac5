// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as complaintOperations from '../../widgets/complaint-form/operations.ts';
import * as resolutionOperations from '../../widgets/did-this-solve/operations.ts';
import { callOperation, graphqlUrl, operationHashes, useOperations } from '../../widgets/internal/api.ts';
import * as surveyOperations from '../../widgets/survey/operations.ts';
import manifest from '../../widgets/persisted-operations.json' with { type: 'json' };

/** The manifest's hash of an operation, found by its name. */
const hashOf = (name: string) => Object.entries(manifest as Record<string, string>).find(([, document]) => document.split('(')[0]!.endsWith(` ${name}`))![0];

// What each element's chunk does when it loads.
for (const operations of [complaintOperations, resolutionOperations, surveyOperations]) useOperations(operations);

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('graphqlUrl', () => {
  it('defaults to /graphql on the origin the script came from; an endpoint attribute overrides it', () => {
    expect(graphqlUrl(undefined, 'https://care.example.com/widgets/careloop.js?v=1')).toBe('https://care.example.com/graphql');
    expect(graphqlUrl('https://api.example.org', 'https://care.example.com/widgets/careloop.js')).toBe('https://api.example.org/graphql');
    expect(graphqlUrl('https://api.example.org/careloop/graphql', 'https://x.test/')).toBe('https://api.example.org/careloop/graphql');
  });
});

describe('callOperation', () => {
  it('sends the persisted hash with the site key, never the document', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => json({ data: { submitResolutionCheck: { __typename: 'MutationSubmitResolutionCheckSuccess', data: { feedbackId: 'f1' } } } }));
    vi.stubGlobal('fetch', fetch);
    const outcome = await callOperation('https://c.test/graphql', 'pk_1', 'SubmitResolutionCheck', { input: { solved: true } });
    expect(outcome).toEqual({ ok: true, data: { feedbackId: 'f1' } });
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

  it('knows the hash of every widget operation in the manifest, from the elements that send it', () => {
    for (const name of ['PublicSurvey', 'SubmitSurveyResponse', 'SubmitResolutionCheck', 'FileComplaint', 'ComplaintStatus', 'ReplyToComplaint', 'ConfirmComplaintResolution']) {
      expect(operationHashes[name]).toBe(hashOf(name));
    }
  });

  const call = () => callOperation('https://c.test/graphql', 'pk_1', 'FileComplaint', {});
  const answer = (response: () => Response) => vi.stubGlobal('fetch', vi.fn(async () => response()));
  const refusal = (status: number, code: string, message = `refused: ${code}`) => () => json({ data: null, errors: [{ message, extensions: { code } }] }, status);

  it('retries what is transient: no answer, 408, 429, 5xx (502 included), a busy or unavailable server, a page that is not a GraphQL answer', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValueOnce(new TypeError('Failed to fetch')));
    expect(await call()).toEqual({ ok: false, retry: true, message: 'Failed to fetch' });

    answer(() => json({ errors: [{ message: 'Too many submissions', extensions: { code: 'RATE_LIMITED' } }] }, 429));
    expect(await call()).toEqual({ ok: false, retry: true, message: 'Too many submissions' });

    answer(() => new Response('bad gateway', { status: 502 }));
    expect(await call()).toEqual({ ok: false, retry: true, message: 'HTTP 502' });

    for (const status of [408, 500, 503, 504]) {
      answer(() => new Response('', { status }));
      expect(await call(), `HTTP ${status}`).toMatchObject({ ok: false, retry: true });
    }
    answer(refusal(503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable; retry later.'));
    expect(await call()).toEqual({ ok: false, retry: true, message: 'The service is temporarily unavailable; retry later.' });
    // A database error while executing: HTTP 200 with a masked internal error. Not a refusal.
    answer(refusal(200, 'INTERNAL_SERVER_ERROR', 'Unexpected error.'));
    expect(await call()).toEqual({ ok: false, retry: true, message: 'Unexpected error.' });
    // A captive portal's login page, answered 200.
    answer(() => new Response('<html>Log in to the hotel Wi-Fi</html>', { status: 200, headers: { 'content-type': 'text/html' } }));
    expect(await call()).toMatchObject({ ok: false, retry: true });
  });

  it('takes every other refusal as final: site key, origin, unknown operation, invalid input, other 4xx, typed errors', async () => {
    const cases: [() => Response, string][] = [
      [refusal(401, 'UNAUTHENTICATED', 'Unknown or malformed site key'), 'Unknown or malformed site key'],
      [refusal(403, 'FORBIDDEN', 'Origin https://evil.test is not allowed for this site'), 'Origin https://evil.test is not allowed for this site'],
      [refusal(400, 'PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound'), 'PersistedQueryNotFound'],
      [refusal(400, 'BAD_USER_INPUT', 'Variable "$input" got invalid value'), 'Variable "$input" got invalid value'],
      [refusal(200, 'BAD_USER_INPUT', 'Invalid input'), 'Invalid input'],
      [refusal(413, 'REQUEST_TOO_LARGE', 'Request body too large'), 'Request body too large'],
      [() => new Response('<html>Not Found</html>', { status: 404 }), 'HTTP 404'],
    ];
    vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const [response, message] of cases) {
      answer(response);
      expect(await call(), message).toEqual({ ok: false, retry: false, message });
    }
    answer(() => json({ data: { fileComplaint: { __typename: 'ValidationError', message: 'Invalid', issues: [{ path: ['input', 'description'], message: 'must be at least 10 characters' }] } } }));
    expect(await call()).toEqual({ ok: false, retry: false, typed: true, message: 'must be at least 10 characters' });
    answer(() => json({ data: { fileComplaint: { __typename: 'ConflictError', message: 'This idempotencyKey was already used with a different payload', field: 'idempotencyKey' } } }));
    expect(await call()).toEqual({ ok: false, retry: false, typed: true, message: 'This idempotencyKey was already used with a different payload' });
  });

  it('tells the web team once per cause in the console what is wrong and how to fix it; transient failures say nothing', async () => {
    // The other tests' refusals were told already (each is told once a page): as on a fresh page.
    await new Promise((resolve) => setTimeout(resolve, 50));
    (await import('../../widgets/internal/tell.ts')).told.clear();
    const call = () => callOperation('https://c.test/graphql', 'pk_1', 'FileComplaint', {});
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    // The fixes' texts are a chunk of their own (widgets/internal/tell.ts), fetched on the first refusal.
    const told = async () => (await new Promise((resolve) => setTimeout(resolve, 50)), errors.mock.calls);
    const origin = location.origin;
    answer(refusal(403, 'FORBIDDEN', `Origin ${origin} is not allowed for this site`));
    await call();
    await call();
    await callOperation('https://c.test/graphql', 'pk_1', 'PublicSurvey', {});
    expect(await told()).toEqual([
      [`careloop: Origin ${origin} is not allowed for this site (FORBIDDEN); add ${origin} to the site's allowedOrigins`],
    ]);
    errors.mockClear();
    answer(refusal(401, 'UNAUTHENTICATED', 'Unknown or malformed site key'));
    await call();
    await call();
    expect(await told()).toEqual([
      [
        "careloop: Unknown or malformed site key (UNAUTHENTICATED); site-key must be the site's publishable key (pk_…)",
      ],
    ]);
    errors.mockClear();
    answer(refusal(400, 'PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound'));
    await call();
    expect(await told()).toEqual([
      ['careloop: PersistedQueryNotFound (PERSISTED_QUERY_NOT_FOUND); load careloop.js from the server it sends to'],
    ]);
    errors.mockClear();
    answer(() => json({ data: { submitResolutionCheck: { __typename: 'ValidationError', message: 'Invalid', issues: [{ path: ['input', 'customerToken'], message: 'the customer token has expired' }] } } }));
    await callOperation('https://c.test/graphql', 'pk_1', 'SubmitResolutionCheck', {});
    expect(await told()).toEqual([
      ["careloop: SubmitResolutionCheck: input.customerToken the customer token has expired (ValidationError); check the widget's attributes"],
    ]);
    errors.mockClear();
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await call();
    answer(refusal(503, 'SERVICE_UNAVAILABLE'));
    await call();
    answer(refusal(429, 'RATE_LIMITED'));
    await call();
    expect(errors).not.toHaveBeenCalled();
  });

  it('returns a query result as it is (null for an unknown survey)', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json({ data: { publicSurvey: null } })));
    expect(await callOperation('https://c.test/graphql', 'pk', 'PublicSurvey', { key: 'x' })).toEqual({ ok: true, data: null });
  });
});
