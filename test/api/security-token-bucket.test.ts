import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey, clientAddress } from '../../server/http/client-address.ts';
import { readEnv } from '../../server/env.ts';

import { RedisTokenBuckets } from '../../server/http/token-bucket-redis.ts';
import { MemoryTokenBuckets, type TokenBucketStore } from '../../server/http/token-bucket.ts';
import { connectTestRedis } from './security-fixtures.ts';

/** The guards' settings as server/env.ts reads them (main.ts hands them to useRateLimits). */
function readHttpGuardEnv(source: NodeJS.ProcessEnv) {
  const { REDIS_URL, TRUST_PROXY, RATE_LIMIT_DISABLED } = readEnv(source);
  return { REDIS_URL, TRUST_PROXY, RATE_LIMIT_DISABLED };
}

const ip = (key: string, burst = 3, perSecond = 1) => ({ key, burst, perSecond });

// The same contract for both stores; the Redis run is against a real server, each test with its
// own key prefix.
function contract(name: string, makeStore: () => TokenBucketStore) {
  describe(`token buckets (${name})`, () => {
    let store: TokenBucketStore;
    beforeAll(() => {
      store = makeStore();
    });

    it('allows the burst, then refuses with the wait until the next token', async () => {
      const bucket = ip(`a:${randomUUID()}`, 3, 0.5);
      for (let i = 0; i < 3; i++) expect(await store.take([bucket])).toEqual({ allowed: true });
      const refused = await store.take([bucket]);
      expect(refused.allowed).toBe(false);
      // 0.5 tokens per second: the next one in (at most) 2 s.
      if (!refused.allowed) expect(refused.retryAfterMs).toBeGreaterThan(1_900);
      if (!refused.allowed) expect(refused.retryAfterMs).toBeLessThanOrEqual(2_000);
    });

    it('takes from every bucket or from none', async () => {
      const small = ip(`small:${randomUUID()}`, 1, 0.001);
      const large = ip(`large:${randomUUID()}`, 5, 0.001);
      expect(await store.take([small, large])).toEqual({ allowed: true });
      for (let i = 0; i < 3; i++) expect((await store.take([small, large])).allowed).toBe(false);
      // The refusals did not drain the large bucket: 4 tokens are left in it.
      for (let i = 0; i < 4; i++) expect((await store.take([large])).allowed).toBe(true);
      expect((await store.take([large])).allowed).toBe(false);
    });

    it('lets exactly the burst through when many arrive at once', async () => {
      const bucket = ip(`burst:${randomUUID()}`, 30, 0.001);
      const results = await Promise.all(Array.from({ length: 50 }, () => store.take([bucket])));
      expect(results.filter((r) => r.allowed)).toHaveLength(30);
    });

    it('charges a cost of several tokens at once', async () => {
      const bucket = ip(`cost:${randomUUID()}`, 5, 0.001);
      expect((await store.take([bucket], 3)).allowed).toBe(true);
      expect((await store.take([bucket], 3)).allowed).toBe(false);
      expect((await store.take([bucket], 2)).allowed).toBe(true);
    });

    it('refills over time', async () => {
      const bucket = ip(`refill:${randomUUID()}`, 2, 20);
      expect((await store.take([bucket], 2)).allowed).toBe(true);
      expect((await store.take([bucket])).allowed).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect((await store.take([bucket])).allowed).toBe(true);
    });
  });
}

contract('memory', () => new MemoryTokenBuckets());

describe('memory token buckets, with a clock of their own', () => {
  it('computes the refill exactly and forgets full buckets', async () => {
    let now = 1_000_000;
    const store = new MemoryTokenBuckets(() => now, 10);
    const bucket = ip('x', 30, 1);
    for (let i = 0; i < 30; i++) await store.take([bucket]);
    expect(await store.take([bucket])).toEqual({ allowed: false, retryAfterMs: 1_000 });
    now += 250;
    expect(await store.take([bucket])).toEqual({ allowed: false, retryAfterMs: 750 });
    now += 750;
    expect(await store.take([bucket])).toEqual({ allowed: true });
    // A flood of distinct keys stays bounded.
    for (let i = 0; i < 100; i++) await store.take([ip(`k${i}`)]);
    expect(store.size).toBeLessThanOrEqual(10);
  });
});

const redis = await connectTestRedis();
const redisUp = redis !== undefined;
afterAll(() => redis?.disconnect());

describe.runIf(redisUp)('Redis', () => {
  contract('Redis', () => new RedisTokenBuckets(redis!, `careloop:test:${randomUUID()}:`));

  it('expires a bucket once it would be full again', async () => {
    const prefix = `careloop:test:${randomUUID()}:`;
    const store = new RedisTokenBuckets(redis!, prefix);
    await store.take([ip('ttl', 10, 5)], 4);
    const ttl = await redis!.pttl(`${prefix}ttl`);
    // 4 tokens at 5 per second: full in 800 ms, plus a second of slack.
    expect(ttl).toBeGreaterThan(1_000);
    expect(ttl).toBeLessThanOrEqual(1_800);
  });

  it('shares buckets between stores (instances) with the same prefix', async () => {
    const prefix = `careloop:test:${randomUUID()}:`;
    const one = new RedisTokenBuckets(redis!, prefix);
    const two = new RedisTokenBuckets(redis!, prefix);
    const bucket = ip('shared', 2, 0.001);
    expect((await one.take([bucket])).allowed).toBe(true);
    expect((await two.take([bucket])).allowed).toBe(true);
    expect((await one.take([bucket])).allowed).toBe(false);
  });
});

describe('client address', () => {
  const request = (forwarded?: string) =>
    new Request('http://careloop.test/graphql', { headers: forwarded ? { 'x-forwarded-for': forwarded } : {} });
  const socket = (remoteAddress: string) => ({ req: { socket: { remoteAddress } } });

  it('is the socket peer, and X-Forwarded-For is ignored unless proxies are trusted', () => {
    expect(clientAddress(request('1.1.1.1'), socket('203.0.113.9'))).toBe('203.0.113.9');
    expect(clientAddress(request(), {})).toBeUndefined();
    expect(clientAddress(request('1.1.1.1'), {}, 1)).toBeUndefined();
  });

  it('behind N trusted proxies is the entry N from the right, whatever the client wrote', () => {
    expect(clientAddress(request('198.51.100.7'), socket('10.0.0.2'), 1)).toBe('198.51.100.7');
    expect(clientAddress(request('6.6.6.6, 198.51.100.7'), socket('10.0.0.2'), 1)).toBe('198.51.100.7');
    expect(clientAddress(request('6.6.6.6, 198.51.100.7, 10.0.0.1'), socket('10.0.0.2'), 2)).toBe('198.51.100.7');
    // Fewer entries than proxies: the leftmost there is.
    expect(clientAddress(request(), socket('10.0.0.2'), 1)).toBe('10.0.0.2');
  });

  it('keys IPv6 by its /64 and IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('[2001:db8:1:2::9]:443')).toBe('2001:db8:1:2::/64');
    expect(addressKey('192.0.2.1:8080')).toBe('192.0.2.1');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describe('guard settings from the environment', () => {
  it('reads TRUST_PROXY, REDIS_URL and RATE_LIMIT_DISABLED, and refuses bad values', () => {
    expect(readHttpGuardEnv({})).toEqual({ REDIS_URL: undefined, TRUST_PROXY: 0, RATE_LIMIT_DISABLED: false });
    expect(readHttpGuardEnv({ TRUST_PROXY: 'true', REDIS_URL: 'redis://r:6379', RATE_LIMIT_DISABLED: 'true' })).toEqual({
      REDIS_URL: 'redis://r:6379',
      TRUST_PROXY: 1,
      RATE_LIMIT_DISABLED: true,
    });
    expect(readHttpGuardEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(() => readHttpGuardEnv({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
    expect(() => readHttpGuardEnv({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
    expect(() => readHttpGuardEnv({ RATE_LIMIT_DISABLED: 'maybe' })).toThrow(/RATE_LIMIT_DISABLED/);
  });
});
