import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { createLogger } from '../../server/app.ts';
import type { Clock } from '../../server/clock/clock.ts';
import { readEnv } from '../../server/env.ts';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { startServer, type RunningServer } from '../../server/main.ts';
import { createPostgresDatabase, tempDir, type ThrowawayPostgres } from './processes.ts';

/**
 * The server's log under failures, as an operator ships it: every line JSON, every line of a
 * request with its request id (the one sent back as x-request-id), and none of the secrets and
 * personal data the requests carried nor the SQL they ran, however they failed. Runs on PGlite,
 * and on PostgreSQL with TEST_DATABASE_URL.
 */

/** Everything the logger wrote, line by line (a pino destination the test reads). */
const written: string[] = [];
const destination = { write: (chunk: string) => void written.push(...chunk.split('\n').filter(Boolean)) };

/** Business time that throws while armed: an internal error in the middle of a resolver. */
let clockBroken = false;
const clock: Clock = {
  now() {
    if (clockBroken) throw new TypeError('Cannot read properties of undefined (reading "getTime")');
    return new Date();
  },
};

// Planted: none of these may show up in any line.
const plantedEmail = `planted-${randomUUID()}@leak.example`;
const plantedSiteKey = `pk_${randomBytes(12).toString('hex')}`; // well-formed, unknown
const plantedApiKey = `sk_${randomBytes(32).toString('base64url').slice(0, 43)}`; // well-formed, unknown
const plantedName = `Planted Person ${randomUUID().slice(0, 8)}`;
const plantedDescription = `The planted complaint ${randomUUID()} about a late parcel and a crushed box.`;
let plantedToken: string; // a valid customer token (its claims carry the planted email)
let wrongToken: string; // signed with another secret

const data = tempDir('logs');
let postgres: ThrowawayPostgres | undefined;
let server: RunningServer;
let origin: string;

beforeAll(async () => {
  postgres = await createPostgresDatabase();
  const env = readEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    CARELOOP_DATA_DIR: data.dir,
    LOG_LEVEL: 'trace', // every line yoga and the app write, debug ones included
    JOBS_RUNNER: 'false',
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
  });
  server = await startServer({ env, logger: createLogger(env, destination), clock, print: () => {} });
  origin = server.seeded!.site.allowedOrigins.find((o) => o.includes('127.0.0.1'))!;
  const sign = (secret: string) =>
    new SignJWT({ email: plantedEmail, name: plantedName })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(`ext-${randomUUID()}`)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
  plantedToken = await sign(server.seeded!.site.identitySecret);
  wrongToken = await sign('not-the-identity-secret-of-any-site');
  // A database error that quotes the row it refuses (personal data in the driver's message and
  // detail, the SQL and its parameters in drizzle's error).
  await server.database.db.execute(sql`
    create function careloop_test_refuse() returns trigger language plpgsql as $$
    begin raise exception 'refused row %', row_to_json(new)::text using detail = row_to_json(new)::text; end $$`);
  await server.database.db.execute(sql`
    create trigger careloop_test_refuse before insert on complaints for each row execute function careloop_test_refuse()`);
}, 120_000);

afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await server?.close();
  await postgres?.drop();
  data.remove();
});

const graphql = (headers: Record<string, string>, body: unknown) =>
  fetch(`${server.url.replace('localhost', '127.0.0.1')}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify(body),
  });
const persisted = (name: string, variables: Record<string, unknown>) => ({
  extensions: { persistedQuery: { version: 1, sha256Hash: persistedOperation(name).hash } },
  variables,
});
const complaint = (overrides: Record<string, unknown> = {}) =>
  persisted('FileComplaint', {
    input: {
      category: 'DELIVERY',
      description: plantedDescription,
      contact: { name: plantedName, email: plantedEmail, phone: '+4915112345678' },
      customerToken: plantedToken,
      idempotencyKey: randomUUID(),
      elapsedMs: 45_000,
      ...overrides,
    },
  });

interface Entry {
  level: number;
  msg: string;
  requestId?: string;
  code?: string;
  err?: { type: string; stack?: string; code?: string; cause?: unknown };
  [key: string]: unknown;
}

it('under failures every line is JSON with the request id and carries no secret, personal data or SQL', { timeout: 60_000 }, async () => {
  // Anything written around the logger (yoga's own console logger, a stray console.log) is a
  // line that is not the injected JSON: none may appear while the requests run.
  const escaped: string[] = [];
  const record = (...args: unknown[]) => void escaped.push(args.map(String).join(' '));
  const spies = [
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) => vi.spyOn(console, method).mockImplementation(record)),
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (record(chunk), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (record(chunk), true)),
  ];
  const firstRequestLine = written.length;
  const apiKey = server.seeded!.apiKey.key;
  const site = { 'x-careloop-site-key': server.seeded!.site.publishableKey, origin };
  const sent: { name: string; response: Response; requestId?: string }[] = [];
  const send = async (name: string, response: Promise<Response>) => {
    const r = await response;
    await r.text();
    sent.push({ name, response: r, requestId: r.headers.get('x-request-id') ?? undefined });
    return r;
  };

  // Expected refusals.
  expect((await send('bad site key', graphql({ 'x-careloop-site-key': plantedSiteKey, origin }, complaint()))).status).toBe(401);
  expect((await send('wrong API key', graphql({ authorization: `Bearer ${plantedApiKey}` }, { query: '{ customers(first: 1) { totalCount } }' }))).status).toBe(401);
  expect((await send('no API key', graphql({}, { query: '{ customers(first: 1) { totalCount } }' }))).status).toBe(401);
  expect((await send('unknown persisted query', graphql(site, { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }))).status).toBe(400);
  const invalid = await send('invalid customer token', graphql(site, complaint({ customerToken: wrongToken })));
  expect(invalid.status).toBe(200);
  await send('validation error, thrown', graphql({ authorization: `Bearer ${apiKey}` }, { query: `{ customer(id: "${plantedEmail}") { id } }` }));
  await send(
    'variable that does not coerce',
    graphql({ authorization: `Bearer ${apiKey}` }, { query: 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename } }', variables: { input: { email: plantedEmail, name: 42 } } }),
  );

  // A forced internal error: the clock throws inside the resolver.
  clockBroken = true;
  try {
    await send('internal error', graphql({ authorization: `Bearer ${apiKey}` }, { query: 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename } }', variables: { input: { email: plantedEmail, name: plantedName } } }));
  } finally {
    clockBroken = false;
  }
  // A database error whose SQL, parameters, message and detail carry the planted data.
  await send('database error', graphql(site, complaint()));
  const lastRequestLine = written.length;
  for (const spy of spies) spy.mockRestore();
  expect(escaped, 'written outside the JSON log').toEqual([]);

  // Request ids: one per request, distinct, and an acceptable incoming one kept; an unsafe one replaced.
  const ids = sent.map((s) => s.requestId);
  for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9.:-]{1,64}$/);
  expect(new Set(ids).size).toBe(ids.length);
  expect((await graphql({ 'x-request-id': 'edge-7f3a.1:2' }, { query: '{ __typename }' })).headers.get('x-request-id')).toBe('edge-7f3a.1:2');
  for (const unsafe of [plantedEmail, plantedApiKey, 'x'.repeat(65), 'a b', 'id\u00e9']) {
    const id = (await graphql({ 'x-request-id': unsafe }, { query: '{ __typename }' })).headers.get('x-request-id');
    expect(id).not.toBe(unsafe);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  }

  const lines = written.slice(firstRequestLine, lastRequestLine);
  expect(lines.length).toBeGreaterThan(sent.length); // debug lines of yoga, refusals, errors, one "request finished" each
  const entries: Entry[] = [];
  for (const line of lines) {
    expect(() => JSON.parse(line), line).not.toThrow();
    entries.push(JSON.parse(line) as Entry);
    expect(line).not.toMatch(/\u001b\[/); // no colour codes
    for (const secret of [plantedEmail, plantedSiteKey, plantedApiKey, apiKey, plantedToken, wrongToken, plantedName, plantedDescription, 'leak.example']) {
      expect(line, `a line leaks ${secret}`).not.toContain(secret);
    }
    expect(line, 'a line carries SQL').not.toMatch(/insert into|select .*from|"complaints"|\$\d|params|careloop_test_refuse|refused row|row_to_json/i);
  }
  // Every line written while a request was handled is one of a request we sent, by its id.
  for (const entry of entries) expect(ids, JSON.stringify(entry)).toContain(entry.requestId);
  const of = (name: string) => entries.filter((e) => e.requestId === sent.find((s) => s.name === name)!.requestId);
  for (const { name } of sent) expect(of(name).some((e) => e.msg === 'request finished'), name).toBe(true);

  // Refusals: info or below, no stack anywhere.
  const refusals = ['bad site key', 'wrong API key', 'no API key', 'unknown persisted query', 'invalid customer token', 'validation error, thrown', 'variable that does not coerce'];
  for (const name of refusals) {
    for (const e of of(name)) {
      expect(e.level, `${name}: ${JSON.stringify(e)}`).toBeLessThanOrEqual(30);
      expect(JSON.stringify(e), name).not.toMatch(/\bat \S+ \(|stack/);
    }
  }
  const unauthenticated = of('no API key').find((e) => e.code === 'UNAUTHENTICATED');
  expect(unauthenticated, 'the refusal is logged with its code').toMatchObject({ level: 30 });

  // Unexpected errors: one error line each, with the stack in err (frames, no message text for the database).
  const internal = of('internal error').filter((e) => e.level === 50);
  expect(internal).toHaveLength(1);
  expect(internal[0]!.err!.stack).toMatch(/\n\s+at /);
  expect(JSON.stringify(internal[0]!.err)).toContain('TypeError');
  const database = of('database error').filter((e) => e.level === 50);
  expect(database).toHaveLength(1);
  expect(database[0]!.dbCode).toBe('P0001'); // raise exception's SQLSTATE
  expect(database[0]!.err!.type).toBe('GraphQLError');
  expect(JSON.stringify(database[0]!.err)).toMatch(/DrizzleQueryError/);
  expect(JSON.stringify(database[0]!.err)).toMatch(/\\n\s+at /); // the frames, in err (its cause)
});
