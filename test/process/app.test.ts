import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApp, type Service } from '../../server/app.ts';
import { readEnv } from '../../server/env.ts';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { KEY_PREFIX } from '../../server/http/rate-limiter.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { connectTestRedis } from '../api/security-fixtures.ts';
import { createPostgresDatabase, tempDir, type ThrowawayPostgres } from './processes.ts';

// createApp without a port: what it builds, and the order in which a stop takes it apart.
const dataDir = tempDir('app');
let postgres: ThrowawayPostgres | undefined;
let redisUrl: string | undefined;
beforeAll(async () => {
  postgres = await createPostgresDatabase();
  const probe = await connectTestRedis();
  if (probe) {
    redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    probe.disconnect();
  }
}, 60_000);
afterAll(async () => {
  await postgres?.drop();
  dataDir.remove();
});

const TIMEOUT = { timeout: 120_000 };
const envFor = (extra: Record<string, string> = {}) =>
  readEnv({
    CARELOOP_DATA_DIR: dataDir.dir,
    LOG_LEVEL: 'silent',
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    ...extra,
  });

it('stops its services (with the deadline, while the database still answers) before disposing yoga and closing the database', TIMEOUT, async () => {
  const log: string[] = [];
  let database: { ping(): Promise<void> } | undefined;
  const service = (name: string): Service => ({
    name,
    start: async () => {
      log.push(`start ${name}`);
    },
    stop: async (deadline) => {
      expect(deadline).toBeGreaterThan(Date.now());
      await database!.ping(); // a service may still write while it releases its work
      log.push(`stop ${name}`);
    },
  });
  const app = await createApp(envFor({ SHUTDOWN_TIMEOUT_MS: '5000' }), {
    logger: pino({ level: 'silent' }),
    services: [service('first'), service('second')],
  });
  database = app.database;
  expect(app.redis).toBeUndefined(); // no REDIS_URL: no connection at all
  await app.start();
  await app.start(); // a second start starts nothing twice
  expect((await app.yoga.fetch('http://careloop.test/readyz')).status).toBe(200);
  const stopped = app.stop();
  expect(app.stop()).toBe(stopped); // safe to call twice
  await stopped;
  expect(log).toEqual(['start first', 'start second', 'stop second', 'stop first']);
  await expect(app.database.ping()).rejects.toThrow();
});

it('with REDIS_URL the rate limiter uses the app\'s one Redis connection, and stop closes it', TIMEOUT, async (ctx) => {
  if (!redisUrl) return ctx.skip();
  const app = await createApp(envFor({ REDIS_URL: redisUrl }), { logger: pino({ level: 'silent' }) });
  try {
    // Connecting at once, without holding the start up; until it is ready the limiter counts in memory.
    expect(app.redis!.status).toBe('connecting');
    await vi.waitFor(() => expect(app.redis!.status).toBe('ready'), { timeout: 5_000, interval: 10 });
    const seeded = (await seedDemo(app.database.db)) ?? undefined;
    const site = seeded?.site;
    expect(site).toBeDefined();
    const { hash } = persistedOperation('SubmitResolutionCheck');
    const response = await app.yoga.fetch('http://careloop.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-careloop-site-key': site!.publishableKey, origin: 'http://localhost:4000' },
      body: JSON.stringify({
        extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
        variables: { input: { subject: 'test:app-redis', solved: true, idempotencyKey: randomUUID() } },
      }),
    });
    const body = (await response.json()) as any;
    expect(body.data?.submitResolutionCheck?.__typename, JSON.stringify(body)).toBe('MutationSubmitResolutionCheckSuccess');
    expect(await app.redis!.exists(`${KEY_PREFIX}:site:${site!.id}`)).toBe(1);
  } finally {
    await app.stop();
  }
  expect(app.redis!.status).toBe('end');
});
