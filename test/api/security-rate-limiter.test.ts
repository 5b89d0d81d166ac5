import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { addressKey, clientAddress } from '../../server/http/client-address.ts';
import { createLimiter, takeAll, type LimiterStore, type WindowLimit } from '../../server/http/rate-limiter.ts';
import { readEnv } from '../../server/env.ts';
import { connectTestRedis } from './security-fixtures.ts';

/** The guards' settings as server/env.ts reads them (main.ts hands them to useRateLimits). */
function readHttpGuardEnv(source: NodeJS.ProcessEnv) {
  const { REDIS_URL, TRUST_PROXY, RATE_LIMIT_DISABLED } = readEnv(source);
  return { REDIS_URL, TRUST_PROXY, RATE_LIMIT_DISABLED };
}

/** A limit of its own (fresh keys) on the given store. */
const limitOn = (store: () => LimiterStore) => (limit: WindowLimit) => {
  const limiter = createLimiter(limit, { ...store(), keyPrefix: `careloop:test:${randomUUID()}` });
  return { limiter, key: 'k' };
};

// The same contract for both stores; the Redis run is against a real server.
function contract(name: string, store: () => LimiterStore) {
  describe(`rate limits (${name})`, () => {
    const limit = limitOn(store);

    it('allows the burst, then refuses with the wait until the window ends', async () => {
      const take = limit({ points: 3, duration: 2 });
      const started = performance.now();
      for (let i = 0; i < 3; i++) expect(await takeAll([take])).toEqual({ allowed: true });
      const refused = await takeAll([take]);
      const elapsed = performance.now() - started;
      expect(refused.allowed).toBe(false);
      // A 2 s window that began just now (on a loaded machine "now" may be a while ago).
      if (!refused.allowed) expect(refused.retryAfterMs).toBeGreaterThanOrEqual(2_000 - elapsed - 5);
      if (!refused.allowed) expect(refused.retryAfterMs).toBeLessThanOrEqual(2_000);
    });

    it('takes from every limit or from none', async () => {
      const small = limit({ points: 1, duration: 1_000 });
      const large = limit({ points: 5, duration: 1_000 });
      expect(await takeAll([small, large])).toEqual({ allowed: true });
      for (let i = 0; i < 3; i++) expect((await takeAll([small, large])).allowed).toBe(false);
      // The refusals did not drain the large limit: 4 points are left in it.
      for (let i = 0; i < 4; i++) expect((await takeAll([large])).allowed).toBe(true);
      expect((await takeAll([large])).allowed).toBe(false);
    });

    it('lets exactly the burst through when many arrive at once', async () => {
      const take = limit({ points: 30, duration: 1_000 });
      const results = await Promise.all(Array.from({ length: 50 }, () => takeAll([take])));
      expect(results.filter((r) => r.allowed)).toHaveLength(30);
    });

    it('charges a cost of several points at once, and a refused cost takes nothing', async () => {
      const take = limit({ points: 5, duration: 1_000 });
      expect((await takeAll([take], 3)).allowed).toBe(true);
      expect((await takeAll([take], 3)).allowed).toBe(false);
      expect((await takeAll([take], 2)).allowed).toBe(true);
      expect((await takeAll([take], 1)).allowed).toBe(false);
    });
  });
}

contract('memory', () => ({}));

describe('memory limits, on a fake clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refill all points when the window ends, and forget keys whose window ended', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const { limiter } = limitOn(() => ({}))({ points: 30, duration: 30 });
    for (let i = 0; i < 30; i++) expect((await takeAll([{ limiter, key: 'x' }])).allowed).toBe(true);
    expect(await takeAll([{ limiter, key: 'x' }])).toEqual({ allowed: false, retryAfterMs: 30_000 });
    vi.advanceTimersByTime(10_000);
    expect(await takeAll([{ limiter, key: 'x' }])).toEqual({ allowed: false, retryAfterMs: 20_000 });
    vi.advanceTimersByTime(20_000);
    for (let i = 0; i < 30; i++) expect((await takeAll([{ limiter, key: 'x' }])).allowed).toBe(true);
    expect((await takeAll([{ limiter, key: 'x' }])).allowed).toBe(false);
    // A flood of distinct keys is kept only for its window.
    for (let i = 0; i < 100; i++) await takeAll([{ limiter, key: `k${i}` }]);
    expect(await limiter.get('k0')).not.toBeNull();
    vi.advanceTimersByTime(30_000);
    for (let i = 0; i < 100; i++) expect(await limiter.get(`k${i}`)).toBeNull();
  });
});

describe('Redis unreachable', () => {
  it("limits in this process's memory and says so", async () => {
    const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    const onFallback = vi.fn();
    const { limiter } = limitOn(() => ({ redis, onFallback }))({ points: 3, duration: 100 });
    const results = await Promise.all(Array.from({ length: 5 }, () => takeAll([{ limiter, key: 'k' }])));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
    expect(onFallback).toHaveBeenCalled();
    redis.disconnect();
  });
});

describe('Redis that stalls', () => {
  it('waits at most timeoutMs, then memory decides', async () => {
    // A hung Redis: it answers the client's greeting (CLIENT SETINFO), then nothing.
    const silent = createServer((socket) =>
      socket.on('data', (data) => socket.write('+OK\r\n'.repeat(data.toString().split('SETINFO').length - 1))),
    );
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const stalled = new Redis({ port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
    stalled.on('error', () => {});
    await stalled.connect();
    const onFallback = vi.fn();
    const { limiter } = limitOn(() => ({ redis: stalled, timeoutMs: 50, onFallback }))({ points: 2, duration: 100 });
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 3 }, () => takeAll([{ limiter, key: 'k' }])));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(results.filter((r) => r.allowed)).toHaveLength(2);
    expect(onFallback).toHaveBeenCalled();
    stalled.disconnect();
    silent.close();
  });
});

const redis = await connectTestRedis();
const redisUp = redis !== undefined;
afterAll(() => redis?.disconnect());

describe.runIf(redisUp)('Redis', () => {
  contract('Redis', () => ({ redis, timeoutMs: 30_000 }));

  it("keeps a key until its window ends (when its points come back), on Redis's clock", async () => {
    const keyPrefix = `careloop:test:${randomUUID()}`;
    const limiter = createLimiter({ points: 10, duration: 2 }, { redis, keyPrefix });
    expect(await takeAll([{ limiter, key: 'ttl' }], 4)).toEqual({ allowed: true });
    expect(await redis!.get(`${keyPrefix}:ttl`)).toBe('4');
    const ttl = await redis!.pttl(`${keyPrefix}:ttl`);
    expect(ttl).toBeGreaterThan(1_500);
    expect(ttl).toBeLessThanOrEqual(2_000);
  });

  it('shares limits between instances with the same prefix', async () => {
    const keyPrefix = `careloop:test:${randomUUID()}`;
    const one = createLimiter({ points: 2, duration: 1_000 }, { redis, keyPrefix });
    const two = createLimiter({ points: 2, duration: 1_000 }, { redis, keyPrefix });
    expect((await takeAll([{ limiter: one, key: 'shared' }])).allowed).toBe(true);
    expect((await takeAll([{ limiter: two, key: 'shared' }])).allowed).toBe(true);
    expect((await takeAll([{ limiter: one, key: 'shared' }])).allowed).toBe(false);
  });

  it('falls back to memory while Redis is gone, and Redis decides again once it is back', async () => {
    const own = (await connectTestRedis())!;
    const keyPrefix = `careloop:test:${randomUUID()}`;
    const onFallback = vi.fn();
    const limiter = createLimiter({ points: 2, duration: 1_000 }, { redis: own, keyPrefix, onFallback });
    own.disconnect();
    const down = await Promise.all(Array.from({ length: 3 }, () => takeAll([{ limiter, key: 'k' }])));
    expect(down.filter((r) => r.allowed)).toHaveLength(2);
    expect(onFallback).toHaveBeenCalled();
    expect(await redis!.exists(`${keyPrefix}:k`)).toBe(0);
    await own.connect();
    onFallback.mockClear();
    const up = await Promise.all(Array.from({ length: 3 }, () => takeAll([{ limiter, key: 'k' }])));
    expect(up.filter((r) => r.allowed)).toHaveLength(2);
    expect(await redis!.get(`${keyPrefix}:k`)).toBe('2');
    expect(onFallback).not.toHaveBeenCalled();
    own.disconnect();
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
