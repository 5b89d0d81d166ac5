import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readEnv } from '../../server/env.ts';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { startServer, type RunningServer } from '../../server/main.ts';
import { createPostgresDatabase, tempDir, type ThrowawayPostgres } from './processes.ts';

// The rate limiter's settings come from the environment startServer is given (server/env.ts,
// the one reader of process.env), not from a second reading of process.env.
const dataDir = tempDir('guards-env');
let postgres: ThrowawayPostgres | undefined;
let server: RunningServer;
beforeAll(async () => {
  postgres = await createPostgresDatabase();
  const env = readEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    CARELOOP_DATA_DIR: dataDir.dir,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_DISABLED: 'true',
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
  });
  server = await startServer({ env, logger: pino({ level: 'silent' }), print: () => {} });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await postgres?.drop();
  dataDir.remove();
});

it('RATE_LIMIT_DISABLED in the given environment switches the limits off (40 submissions from one address, past the default 30)', async () => {
  const site = server.seeded!.site;
  const { hash } = persistedOperation('SubmitResolutionCheck');
  const submit = () =>
    fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-careloop-site-key': site.publishableKey, origin: new URL(server.url).origin },
      body: JSON.stringify({
        extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
        variables: { input: { subject: 'test:guards-env', solved: true, idempotencyKey: randomUUID() } },
      }),
    }).then((response) => response.json() as Promise<any>);
  const results = await Promise.all(Array.from({ length: 40 }, submit));
  expect(results.filter((r) => r.data?.submitResolutionCheck?.__typename === 'MutationSubmitResolutionCheckSuccess')).toHaveLength(40);
});
