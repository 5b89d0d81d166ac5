import { expect, it } from 'vitest';
import { describeResult, leakIn, runChaos } from '../../bench/chaos.ts';

/**
 * The small run of `npm run chaos` (bench/chaos.ts): 200 widget submissions through the real
 * server while it is killed with SIGKILL once and, on PostgreSQL (TEST_DATABASE_URL), the
 * database is cut for 2 s by a proxy. On PGlite (no TEST_DATABASE_URL) the kill only.
 */
const engine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

it('tells a leaking answer from a clean one', () => {
  expect(leakIn('{"errors":[{"message":"boom\\n    at insert (/srv/app/server/x.ts:1:2)"}]}')).toBe('stack trace');
  expect(leakIn('{"errors":[{"message":"see /work/main/server/db/client.ts"}]}')).toBe('file path');
  expect(leakIn('{"errors":[{"message":"Failed query: insert into \\"feedback\\" (\\"id\\") values ($1)"}]}')).toBe('SQL');
  expect(leakIn('{"errors":[{"message":"select \\"id\\" from \\"sites\\" where \\"key\\" = $1"}]}')).toBe('SQL');
  expect(leakIn('{"data":{"submitResolutionCheck":{"__typename":"MutationSubmitResolutionCheckSuccess","data":{"id":"RmVlZGJhY2s6MQ==","receivedAt":"2026-12-02T14:00:00.000Z"}}}}')).toBeUndefined();
  expect(leakIn('{"errors":[{"message":"The service is temporarily unavailable","extensions":{"code":"SERVICE_UNAVAILABLE"}}]}')).toBeUndefined();
});

it(`200 submissions through a kill -9${engine === 'postgres' ? ' and a 2 s database cut' : ''} (${engine}): every one acknowledged, stored once, nothing leaked`, { timeout: 150_000 }, async () => {
  const result = await runChaos({
    engine,
    count: 200,
    concurrency: 20,
    kills: 1,
    cutSeconds: 2,
    timeoutMs: 90_000,
    adminUrl: process.env.TEST_DATABASE_URL ?? '',
  });
  const report = describeResult(result);
  expect(result.failures, report).toEqual([]);
  expect(result.acknowledged, report).toBe(200);
  expect(result.rows, report).toBe(200);
  expect([result.resolutionChecks, result.complaints], report).toEqual([100, 100]);
  expect([result.lost, result.duplicated, result.leakCount, result.internalOn200, result.refused], report).toEqual([0, 0, 0, 0, 0]);
  expect(result.disruptions.map((d) => d.what), report).toEqual(engine === 'postgres' ? ['kill -9', 'database cut'] : ['kill -9']);
  // The disruptions were felt by the clients, and they recovered from each.
  expect(Object.keys(result.answers).some((label) => label.startsWith('network ')), report).toBe(true);
  if (engine === 'postgres') expect(result.answers['503 SERVICE_UNAVAILABLE'] ?? 0, report).toBeGreaterThan(0);
  for (const d of result.disruptions) expect(d.firstAckMs, report).toBeGreaterThanOrEqual(0);
});
