import { expect } from 'vitest';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { test as it } from '../helpers/fixtures.ts';

const getPublicSurvey = () => {
  const search = new URLSearchParams({
    extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: persistedOperation('PublicSurvey').hash } }),
    variables: JSON.stringify({ key: 'none' }),
  });
  return `http://careloop.test/graphql?${search}`;
};

// A GET persisted query is cacheable: its answer must say it depends on the Origin even when
// the request that filled the cache had none, or a cache hands it, without CORS headers, to a
// browser of an allowed origin.
it('answers every site-key request with Vary: Origin, with or without an Origin; API-key answers without', async ({ api, site }) => {
  const accept = { accept: 'application/json' };
  const withoutOrigin = await api.yoga.fetch(getPublicSurvey(), { headers: { ...accept, 'x-careloop-site-key': site.publishableKey } });
  expect(withoutOrigin.headers.get('access-control-allow-origin')).toBeNull();
  expect(withoutOrigin.headers.get('vary')).toMatch(/(^|,\s*)Origin(\s*,|$)/);
  const withOrigin = await api.yoga.fetch(getPublicSurvey(), {
    headers: { ...accept, 'x-careloop-site-key': site.publishableKey, origin: site.origin },
  });
  expect(withOrigin.headers.get('access-control-allow-origin')).toBe(site.origin);
  expect(withOrigin.headers.get('vary')?.match(/origin/gi)).toHaveLength(1); // not twice
  const unknownKey = await api.yoga.fetch(getPublicSurvey(), { headers: { ...accept, 'x-careloop-site-key': 'pk_unknown' } });
  expect(unknownKey.status).toBe(401);
  expect(unknownKey.headers.get('vary')).toMatch(/Origin/);
  const apiAnswer = await api.yoga.fetch('http://careloop.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.orgA.key}` },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  expect(apiAnswer.headers.get('vary') ?? '').not.toMatch(/Origin/i);
});
