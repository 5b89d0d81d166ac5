import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, describe, expect } from 'vitest';
import { complaints, feedback } from '../../server/db/tables/index.ts';
import { Redis } from 'ioredis';
import type { RateLimitOptions } from '../../server/http/use-rate-limits.ts';
import { createCareloopYoga, type CareloopYoga } from '../../server/yoga.ts';
import type { TestApi, TestSite } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { checkInput, codeOf, connectTestRedis, persistedBody, send, siteHeaders, type RawResponse } from './security-fixtures.ts';

const redis = await connectTestRedis();
// The file's API (test/helpers/fixtures.ts), made before the first test as before.
it.beforeAll(({ api: _ }) => {});
afterAll(() => {
  redis?.disconnect();
});

/** On a loaded machine a Redis answer can take over the default 1 s, and memory would decide: not what these tests check. */
const patientRedis = { redisTimeoutMs: 30_000 };

/** A window so long that no point comes back during a test. */
const long = 100;

const yogaWith = (api: TestApi, rateLimits: RateLimitOptions): CareloopYoga =>
  createCareloopYoga({ database: api.db, logging: false, graphiql: false, rateLimits });

const submitCheck = (yoga: CareloopYoga, site: TestSite, ip?: string, headers: Record<string, string> = {}) =>
  send(yoga, { headers: { ...siteHeaders(site), ...headers }, body: persistedBody('SubmitResolutionCheck', { input: checkInput() }), ip });

const accepted = (response: RawResponse) => response.body.data?.submitResolutionCheck?.__typename === 'MutationSubmitResolutionCheckSuccess';
const limited = (responses: RawResponse[]) => responses.filter((r) => codeOf(r) === 'RATE_LIMITED');

const storedChecks = async (api: TestApi, site: TestSite) =>
  (await api.db.db.select({ n: count() }).from(feedback).where(and(eq(feedback.orgId, api.orgA.id), eq(feedback.siteId, site.rowId))))[0]!.n;

async function flood(yoga: CareloopYoga, site: TestSite, ip: string, n: number) {
  return Promise.all(Array.from({ length: n }, () => submitCheck(yoga, site, ip)));
}

function expectRateLimited(response: RawResponse, maxRetryAfter: number) {
  expect(codeOf(response)).toBe('RATE_LIMITED');
  expect(response.status).toBe(429);
  const { retryAfter } = response.body.errors[0].extensions;
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxRetryAfter);
  expect(response.headers.get('retry-after')).toBe(String(retryAfter));
  expect(response.body.errors[0].message).toMatch(/Too many submissions.*try again in \d+ s/);
  expect(response.body.data ?? null).toBeNull();
}

async function expectFloodLimited(api: TestApi, yoga: CareloopYoga) {
  const site = await api.createSite();
  const responses = await flood(yoga, site, '203.0.113.10', 40);
  expect(responses.filter(accepted), JSON.stringify(responses.find((r) => !accepted(r) && !codeOf(r))?.body)).toHaveLength(30);
  const refused = limited(responses);
  expect(refused).toHaveLength(10);
  for (const response of refused) expectRateLimited(response, long);
  // Nothing of a refused submission was stored.
  expect(await storedChecks(api, site)).toBe(30);
  // Another address is not affected, on the same site.
  expect(accepted(await submitCheck(yoga, site, '203.0.113.11'))).toBe(true);
}

describe('rate limits on the public mutations (site keys)', () => {
  it('a flood from one address: exactly the burst is accepted, the rest get RATE_LIMITED, 429 and Retry-After', async ({ api }) => {
    await expectFloodLimited(api, yogaWith(api, { perIp: { points: 30, duration: long } }));
  });

  it.runIf(redis)('the same with the Redis store', async ({ api }) => {
    await expectFloodLimited(api, yogaWith(api, { perIp: { points: 30, duration: long }, redis, keyPrefix: `careloop:test:${randomUUID()}`, ...patientRedis }));
  });

  it("a site's bucket holds across addresses; other sites are not affected", async ({ api }) => {
    const yoga = yogaWith(api, { perSite: { points: 5, duration: long } });
    const [site, other] = [await api.createSite(), await api.createSite()];
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => submitCheck(yoga, site, `198.51.100.${i + 1}`)));
    expect(responses.filter(accepted)).toHaveLength(5);
    expect(limited(responses)).toHaveLength(3);
    expect(await storedChecks(api, site)).toBe(5);
    expect(accepted(await submitCheck(yoga, other, '198.51.100.1'))).toBe(true);
  });

  it('counts all three public mutations, also when their input is refused', async ({ api }) => {
    const yoga = yogaWith(api, { perIp: { points: 3, duration: long } });
    const site = await api.createSite();
    const ip = '192.0.2.30';
    const before = (await api.db.db.select({ n: count() }).from(complaints))[0]!.n;
    const sent = [
      await send(yoga, { headers: siteHeaders(site), ip, body: persistedBody('SubmitSurveyResponse', { input: { surveyKey: 'none', answers: [], idempotencyKey: randomUUID() } }) }),
      await send(yoga, { headers: siteHeaders(site), ip, body: persistedBody('FileComplaint', { input: { category: 'DELIVERY', description: '', idempotencyKey: randomUUID() } }) }),
      await submitCheck(yoga, site, ip),
    ];
    for (const response of sent) expect(codeOf(response), JSON.stringify(response.body)).toBeUndefined();
    const fourth = await send(yoga, {
      headers: siteHeaders(site),
      ip,
      body: persistedBody('FileComplaint', { input: { category: 'DELIVERY', description: 'Late', idempotencyKey: randomUUID(), elapsedMs: 60_000 } }),
    });
    expectRateLimited(fourth, long);
    expect((await api.db.db.select({ n: count() }).from(complaints))[0]!.n).toBe(before);
  });

  it('limits the public queries (publicSurvey, complaintStatus) like the mutations, in buckets of their own', async ({ api }) => {
    const yoga = yogaWith(api, { perIp: { points: 1, duration: long }, readPerIp: { points: 4, duration: long } });
    const site = await api.createSite();
    const ip = '192.0.2.40';
    const read = (i: number) =>
      send(yoga, {
        headers: siteHeaders(site),
        ip,
        body: i % 2 ? persistedBody('PublicSurvey', { key: 'none' }) : persistedBody('ComplaintStatus', { reference: 'C-NONE', trackingToken: 'x' }),
      });
    const reads = await Promise.all(Array.from({ length: 6 }, (_, i) => read(i)));
    expect(reads.filter((r) => !codeOf(r))).toHaveLength(4);
    const refused = limited(reads);
    expect(refused).toHaveLength(2);
    for (const response of refused) {
      expect(response.status).toBe(429);
      expect(response.body.errors[0].message).toMatch(/Too many requests.*try again in \d+ s/);
    }
    // Reading spent none of the submissions' points, and submitting none of the reads'.
    expect(accepted(await submitCheck(yoga, site, ip))).toBe(true);
    expect(codeOf(await submitCheck(yoga, site, ip))).toBe('RATE_LIMITED');
    expect(codeOf(await read(1))).toBe('RATE_LIMITED');
    // Another address reads on.
    expect(codeOf(await send(yoga, { headers: siteHeaders(site), ip: '192.0.2.41', body: persistedBody('PublicSurvey', { key: 'none' }) }))).toBeUndefined();
  });

  it("a site's read bucket holds across addresses", async ({ api }) => {
    const yoga = yogaWith(api, { readPerSite: { points: 3, duration: long } });
    const site = await api.createSite();
    const reads = await Promise.all(
      Array.from({ length: 5 }, (_, i) => send(yoga, { headers: siteHeaders(site), ip: `198.51.100.${i + 100}`, body: persistedBody('PublicSurvey', { key: 'none' }) })),
    );
    expect(reads.filter((r) => !codeOf(r))).toHaveLength(3);
    expect(limited(reads)).toHaveLength(2);
  });

  it('API-key callers are not limited on the public queries', async ({ api }) => {
    const yoga = yogaWith(api, { readPerIp: { points: 1, duration: long }, readPerSite: { points: 1, duration: long } });
    for (let i = 0; i < 3; i++) {
      const response = await send(yoga, { headers: { authorization: `Bearer ${api.orgA.key}` }, ip: '192.0.2.42', body: { query: '{ publicSurvey(key: "none") { key } }' } });
      expect(codeOf(response), JSON.stringify(response.body)).not.toBe('RATE_LIMITED');
    }
  });

  it('ignores X-Forwarded-For unless proxies are trusted, then takes the entry the proxy wrote', async ({ api }) => {
    const site = await api.createSite();
    const direct = yogaWith(api, { perIp: { points: 2, duration: long } });
    const spoofed = await Promise.all(
      Array.from({ length: 4 }, (_, i) => submitCheck(direct, site, '192.0.2.50', { 'x-forwarded-for': `10.9.9.${i}` })),
    );
    expect(spoofed.filter(accepted)).toHaveLength(2);

    const proxied = yogaWith(api, { perIp: { points: 2, duration: long }, trustedProxies: 1 });
    const clients = await Promise.all(
      Array.from({ length: 4 }, (_, i) => submitCheck(proxied, site, '10.0.0.1', { 'x-forwarded-for': `6.6.6.6, 198.18.0.${i}` })),
    );
    expect(clients.filter(accepted)).toHaveLength(4);
    const sameClient = await Promise.all(
      Array.from({ length: 3 }, (_, i) => submitCheck(proxied, site, '10.0.0.1', { 'x-forwarded-for': `6.6.6.${i}, 198.18.1.1` })),
    );
    expect(sameClient.filter(accepted)).toHaveLength(2);
  });

  it('limits in process memory while Redis is unreachable: submissions still land, a flood still stops', async ({ api }) => {
    const site = await api.createSite();
    const unreachable = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    const yoga = yogaWith(api, { redis: unreachable, perIp: { points: 3, duration: long } });
    const responses = await flood(yoga, site, '192.0.2.60', 5);
    expect(responses.filter(accepted)).toHaveLength(3);
    for (const response of limited(responses)) expectRateLimited(response, long);
    expect(limited(responses)).toHaveLength(2);
    expect(await storedChecks(api, site)).toBe(3);
    unreachable.disconnect();
  });

  it.runIf(redis)('Redis failing, then back: memory limits meanwhile, then Redis decides again', async ({ api }) => {
    const site = await api.createSite();
    const own = (await connectTestRedis())!;
    const yoga = yogaWith(api, { redis: own, keyPrefix: `careloop:test:${randomUUID()}`, ...patientRedis, perIp: { points: 3, duration: long } });
    own.disconnect();
    const responses = await flood(yoga, site, '192.0.2.62', 5);
    expect(responses.filter(accepted)).toHaveLength(3);
    expect(limited(responses)).toHaveLength(2);
    // Back up: Redis decides again (it counted nothing meanwhile).
    await own.connect();
    const again = await flood(yoga, site, '192.0.2.62', 5);
    expect(again.filter(accepted)).toHaveLength(3);
    expect(limited(again)).toHaveLength(2);
    own.disconnect();
  });

  it('lets requests through when disabled', async ({ api }) => {
    const site = await api.createSite();
    const disabled = yogaWith(api, { disabled: true, perIp: { points: 1, duration: long } });
    const responses = await flood(disabled, site, '192.0.2.61', 3);
    expect(responses.filter(accepted)).toHaveLength(3);
  });

  it('applies the defaults (30 per address) to the yoga the tests use', async ({ api }) => {
    const site = await api.createSite();
    const responses = await flood(api.yoga, site, '192.0.2.70', 35);
    expect(responses.filter(accepted).length).toBeGreaterThanOrEqual(30);
    expect(responses.filter(accepted).length).toBeLessThan(35);
  });
});
