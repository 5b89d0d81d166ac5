import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp, type App } from '../../server/app.ts';
import { readEnv } from '../../server/env.ts';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { seedDemo, type DemoSeed } from '../../server/demo/seed.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { createPostgresDatabase, tempDir, type ThrowawayPostgres } from './processes.ts';

const dataDir = tempDir('outage');
let postgres: ThrowawayPostgres | undefined;
let proxy: TcpProxy | undefined;
let app: App | undefined;
let seed: DemoSeed;
// Planted: if any of these shows up in an answer, a parameter or a row leaked.
const plantedEmail = `planted-${randomUUID()}@leak.example`;

beforeAll(async () => {
  postgres = await createPostgresDatabase();
  if (!postgres) return;
  const target = new URL(postgres.url);
  proxy = await startTcpProxy(target); // between careloop and the shared PostgreSQL, which is never stopped
  const viaProxy = new URL(postgres.url);
  viaProxy.port = String(proxy.port);
  app = await createApp(readEnv({ CARELOOP_DATA_DIR: dataDir.dir, LOG_LEVEL: 'silent', DATABASE_URL: viaProxy.toString() }), {
    logger: pino({ level: 'silent' }),
  });
  await app.start();
  seed = (await seedDemo(app.database.db))!;
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await proxy?.close();
  await postgres?.drop();
  dataDir.remove();
});

const ORIGIN = 'http://localhost:4000';
const widgetRequest = (siteKey: string) =>
  app!.yoga.fetch('http://careloop.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-careloop-site-key': siteKey, origin: ORIGIN },
    body: JSON.stringify({
      extensions: { persistedQuery: { version: 1, sha256Hash: persistedOperation('SubmitResolutionCheck').hash } },
      variables: { input: { subject: 'test:outage', solved: true, idempotencyKey: randomUUID() } },
    }),
  });
const apiRequest = (query: string, variables: Record<string, unknown> = {}) =>
  app!.yoga.fetch('http://careloop.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${seed.apiKey.key}` },
    body: JSON.stringify({ query, variables }),
  });

it('with the database cut, every path answers 503 SERVICE_UNAVAILABLE JSON with Retry-After and leaks nothing; it recovers by itself', { timeout: 120_000 }, async (ctx) => {
  if (!app || !proxy) return ctx.skip(); // PostgreSQL only: PGlite runs in-process, there is no connection to cut
  const uncachedSiteKey = `pk_${randomUUID().replaceAll('-', '').slice(0, 24)}`; // never looked up before: not in the site cache
  expect((await widgetRequest(seed.site.publishableKey)).status).toBe(200);

  proxy.cut();
  const answers: [string, Response][] = [
    ['widget, uncached site key', await widgetRequest(uncachedSiteKey)],
    ['widget, cached site key', await widgetRequest(seed.site.publishableKey)],
    ['API key query', await apiRequest('{ customers(first: 1) { totalCount } }')],
    ['API key mutation', await apiRequest('mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename } }', { input: { email: plantedEmail } })],
    ['demo page', await app.yoga.fetch('http://careloop.test/')],
  ];
  // /readyz under load: 60 widget and API requests in flight against the cut database.
  const load = Array.from({ length: 60 }, (_, i) =>
    i % 2 ? widgetRequest(seed.site.publishableKey) : apiRequest('{ customers(first: 1) { totalCount } }'),
  );
  const started = Date.now();
  const ready = await app.yoga.fetch('http://careloop.test/readyz');
  const readyInMs = Date.now() - started;
  expect(readyInMs).toBeLessThan(1_000);
  answers.push(['readyz', ready]);
  const loaded = await Promise.all(load);
  expect(loaded.map((r) => r.status)).toEqual(loaded.map(() => 503));
  console.log(`/readyz answered in ${readyInMs} ms with 60 requests in flight against the cut database`);
  for (const [path, response] of answers) {
    const text = await response.text();
    expect(response.status, `${path}: ${text}`).toBe(503);
    expect(response.headers.get('retry-after'), path).toMatch(/^\d+$/);
    expect(response.headers.get('content-type'), path).toMatch(/json/);
    const body = JSON.parse(text);
    expect((body.errors?.[0]?.extensions ?? body.extensions)?.code, path).toBe('SERVICE_UNAVAILABLE'); // readyz: { status, extensions }
    for (const secret of [uncachedSiteKey, seed.site.publishableKey, seed.apiKey.key, plantedEmail]) expect(text, path).not.toContain(secret);
    expect(text, path).not.toMatch(/select|insert|\bat \S+ \(|\.ts:\d+|node_modules|Drizzle/i);
  }
  expect((await app.yoga.fetch('http://careloop.test/healthz')).status).toBe(200); // the process is up

  proxy.restore();
  let recovered: Response | undefined;
  for (let i = 0; i < 50 && recovered?.status !== 200; i++) {
    recovered = await widgetRequest(seed.site.publishableKey);
    if (recovered.status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(recovered!.status).toBe(200);
  expect((await app.yoga.fetch('http://careloop.test/readyz')).status).toBe(200);
  expect((await widgetRequest(uncachedSiteKey)).status).toBe(401); // unknown key: a refusal again, not an outage
});
