import { readFileSync } from 'node:fs';
import { count } from 'drizzle-orm';
import { parse, validate } from 'graphql';
import { describe, expect } from 'vitest';
import { buildManifest, manifestPath, manifestText, readOperations } from '../../scripts/persisted-operations.ts';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { complaints, feedback } from '../../server/db/tables/index.ts';
import { schema } from '../../server/schema.ts';
import type { TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { checkInput, codeOf, persistedBody, send, siteHeaders } from './security-fixtures.ts';

describe('the manifest widgets/persisted-operations.json', () => {
  it('is what `npm run operations` writes from widgets/operations/*.graphql', () => {
    expect(readFileSync(manifestPath, 'utf8')).toBe(manifestText(buildManifest()));
  });

  it('holds the seven widget operations', () => {
    expect(readOperations().map((operation) => operation.name).sort()).toEqual([
      'ComplaintStatus',
      'ConfirmComplaintResolution',
      'FileComplaint',
      'PublicSurvey',
      'ReplyToComplaint',
      'SubmitResolutionCheck',
      'SubmitSurveyResponse',
    ]);
  });

  // One test per document, so a failure names the operation and the missing fields.
  it.each(readOperations().map((operation) => [operation.name, operation.document] as const))(
    '%s validates against the live schema',
    (_name, document) => {
      expect(validate(schema, parse(document)).map((error) => error.message)).toEqual([]);
    },
  );
});

describe('widget requests (site keys) run only the persisted operations', () => {
  const noSurvey = { key: 'no-such-survey', locale: 'en' };
  const countRows = async (api: TestApi, table: 'complaints' | 'feedback') =>
    (await api.db.db.select({ n: count() }).from(table === 'complaints' ? complaints : feedback))[0]!.n;

  // The file's API and site are built in a hook, under hookTimeout as before, not within the first test's time.
  it.beforeAll(({ site: _ }) => {});

  it('runs a widget operation sent by its hash (Apollo style)', async ({ api, site }) => {
    const response = await send(api.yoga, { headers: siteHeaders(site), body: persistedBody('PublicSurvey', noSurvey) });
    expect(response.body).toEqual({ data: { publicSurvey: null } });
    expect(response.status).toBe(200);
  });

  it('runs one sent as documentId, with or without the sha256: prefix', async ({ api, site }) => {
    const { hash } = persistedOperation('PublicSurvey');
    for (const documentId of [hash, `sha256:${hash}`]) {
      const response = await send(api.yoga, { headers: siteHeaders(site), body: { documentId, variables: noSurvey } });
      expect(response.body).toEqual({ data: { publicSurvey: null } });
    }
  });

  it('runs a persisted query sent by GET', async ({ api, site }) => {
    const response = await send(api.yoga, { method: 'GET', headers: siteHeaders(site), body: persistedBody('PublicSurvey', noSurvey) });
    expect(response.body).toEqual({ data: { publicSurvey: null } });
  });

  it('accepts the exact text of a manifest document (it names the same operation as its hash)', async ({ api, site }) => {
    const { document } = persistedOperation('PublicSurvey');
    const response = await send(api.yoga, { headers: siteHeaders(site), body: { query: document, variables: noSurvey } });
    expect(response.body).toEqual({ data: { publicSurvey: null } });
  });

  it('stores a submission sent by hash', async ({ api, site }) => {
    const before = await countRows(api, 'feedback');
    const response = await send(api.yoga, {
      headers: siteHeaders(site),
      body: persistedBody('SubmitResolutionCheck', { input: checkInput() }),
      ip: '198.51.100.1',
    });
    expect(response.body.data?.submitResolutionCheck?.__typename, JSON.stringify(response.body)).toBe('MutationSubmitResolutionCheckSuccess');
    expect(await countRows(api, 'feedback')).toBe(before + 1);
  });

  it('refuses an unknown hash with PERSISTED_QUERY_NOT_FOUND', async ({ api, site }) => {
    for (const sha256Hash of ['0'.repeat(64), 'not-a-hash', persistedOperation('PublicSurvey').hash.toUpperCase()]) {
      const response = await send(api.yoga, {
        headers: siteHeaders(site),
        body: { extensions: { persistedQuery: { version: 1, sha256Hash } }, variables: noSurvey },
      });
      expect(codeOf(response)).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
    }
  });

  it('refuses an arbitrary document from a site key with PERSISTED_QUERY_ONLY and stores nothing', async ({ api, site }) => {
    const before = await countRows(api, 'complaints');
    const raw = 'mutation($input: FileComplaintInput!) { fileComplaint(input: $input) { __typename } }';
    const input = { category: 'DELIVERY', description: 'Late parcel', idempotencyKey: crypto.randomUUID(), elapsedMs: 30_000 };
    const response = await send(api.yoga, { headers: siteHeaders(site), body: { query: raw, variables: { input } } });
    expect(codeOf(response)).toBe('PERSISTED_QUERY_ONLY');
    expect(response.body.errors[0].message).toMatch(/only the widget operations/);
    expect(response.status).toBe(403);
    expect(await countRows(api, 'complaints')).toBe(before);
  });

  it('refuses a document that differs from a manifest one, even by a space, or that comes with a hash', async ({ api, site }) => {
    const { document, hash } = persistedOperation('PublicSurvey');
    const bodies = [
      { query: `${document} `, variables: noSurvey },
      { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: hash } } },
      { query: '{ organization { id } }' },
    ];
    for (const body of bodies) {
      expect(codeOf(await send(api.yoga, { headers: siteHeaders(site), body }))).toBe('PERSISTED_QUERY_ONLY');
    }
  });

  it('refuses a request with neither a document nor a hash', async ({ api, site }) => {
    const response = await send(api.yoga, { headers: siteHeaders(site), body: { variables: {} } });
    expect(codeOf(response)).toBe('BAD_REQUEST');
    expect(response.status).toBe(400);
  });

  it('still checks the Origin for a persisted operation', async ({ api, site }) => {
    const response = await send(api.yoga, {
      headers: { ...siteHeaders(site), origin: 'https://evil.example' },
      body: persistedBody('PublicSurvey', noSurvey),
    });
    expect(codeOf(response)).toBe('FORBIDDEN');
  });

  it('lets API-key callers send any document', async ({ api }) => {
    const response = await send(api.yoga, {
      headers: { authorization: `Bearer ${api.orgA.key}` },
      body: { query: '{ organization { id } }' },
    });
    expect(response.body).toEqual({ data: { organization: { id: api.orgA.id } } });
  });
});
