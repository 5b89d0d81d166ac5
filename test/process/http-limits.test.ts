/**
 * The node:http limits of server/env.ts on the real server (startServer): a few hundred slow
 * clients (a byte a second, slow-loris style) do not keep normal requests from being answered,
 * a slow header is cut at HTTP_HEADERS_TIMEOUT_MS and a slow body at HTTP_REQUEST_TIMEOUT_MS
 * (both 408), an idle keep-alive connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS, and past
 * HTTP_MAX_CONNECTIONS a new connection is closed at once (and logged). Loopback only; every
 * socket is bounded in time (the server's own timeouts end it, the test destroys the rest).
 * PGlite, or PostgreSQL when TEST_DATABASE_URL is set.
 */
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../server/env.ts';
import { httpServerOptions, startServer, type RunningServer } from '../../server/main.ts';
import { createPostgresDatabase, tempDir, type ThrowawayPostgres } from './processes.ts';

// Far enough apart that a late cut of a slow header (LATE_MS) still comes before the request
// timeout, so a cut shows which timeout made it; wide enough that on a loaded 2-core machine
// (CI runs test files side by side) 21 normal requests are answered before any slow one is cut.
const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 1_000;
const MAX_CONNECTIONS = 400;
const SLOW_CLIENTS = 300;
/**
 * How late a cut may come on a busy machine: node checks its timeouts every 400 ms here, and
 * its timers run late under load (a full suite run saw 2.4 s late).
 */
const LATE_MS = 4_000;

const dataDir = tempDir('http-limits');
const logLines: any[] = [];
let postgres: ThrowawayPostgres | undefined;
let server: RunningServer;
let host: string;
let port: number;
const sockets = new Set<Socket>();

beforeAll(async () => {
  postgres = await createPostgresDatabase();
  const env = readEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    CARELOOP_DATA_DIR: dataDir.dir,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_DISABLED: 'true',
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
    HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
  });
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  server = await startServer({ env, logger: pino({ level: 'warn' }, logStream), print: () => {} });
  host = '127.0.0.1';
  port = server.port;
}, 60_000);
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await server?.close();
  await postgres?.drop();
  dataDir.remove();
});

interface Held {
  socket: Socket;
  connectedAt: number;
  /** Resolves when the server closed the connection: after how long, and what it answered. */
  closed: Promise<{ afterMs: number; answer: string }>;
}

/** A raw connection; `timer` is cleared when it closes. */
function open(): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    sockets.add(socket);
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => {}); // a reset by the server is one way of closing
    socket.once('connect', () => {
      const connectedAt = Date.now();
      const closed = new Promise<{ afterMs: number; answer: string }>((done) =>
        socket.once('close', () => {
          sockets.delete(socket);
          done({ afterMs: Date.now() - connectedAt, answer });
        }),
      );
      resolve({ socket, connectedAt, closed });
    });
    socket.once('error', reject);
  });
}

/** Writes `text` a byte a second until the connection closes (the server's timeout ends it). */
function trickle(held: Held, text: string): void {
  let at = 0;
  const send = () => {
    if (held.socket.destroyed || at >= text.length) return clearInterval(timer);
    held.socket.write(text[at++]!);
  };
  const timer = setInterval(send, 1_000);
  send();
  void held.closed.then(() => clearInterval(timer));
}

const graphql = (query: string) =>
  fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query }),
  });

describe('server limits', () => {
  it('uses the configured timeouts and cap on the node server', () => {
    expect(server.server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
    expect(server.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(server.server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(server.server.maxConnections).toBe(MAX_CONNECTIONS);
    // The defaults, as the README documents them.
    const defaults = readEnv({});
    expect(httpServerOptions(defaults)).toEqual({
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1_000,
    });
    expect(defaults.HTTP_MAX_CONNECTIONS).toBe(1_000);
    expect(() => readEnv({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => readEnv({ HTTP_MAX_CONNECTIONS: '0' })).toThrow(/HTTP_MAX_CONNECTIONS/);
  });

  it(`answers normal requests while ${SLOW_CLIENTS} clients send their headers a byte a second, and cuts those at the headers timeout (408)`, async () => {
    const slow = await Promise.all(Array.from({ length: SLOW_CLIENTS }, open));
    for (const held of slow) trickle(held, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    // One whose headers arrive whole but whose body trickles: cut at the request timeout.
    const slowBody = await open();
    slowBody.socket.write(`POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`);
    trickle(slowBody, '{"query":"{ __typename }"}'.padEnd(100, ' '));

    // While they are held: GraphQL and health answers, each promptly.
    const started = Date.now();
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, () => graphql('{ __typename }').then(async (r) => ({ status: r.status, body: await r.json() }))),
      fetch(`${server.url}/healthz`).then((r) => ({ status: r.status, body: null })),
    ]);
    const answeredInMs = Date.now() - started;
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.slice(0, 20).every((a) => a.body.data?.__typename === 'Query')).toBe(true);
    // Answered well before any slow client is cut: they did not wait for the slow ones.
    expect(answeredInMs).toBeLessThan(HEADERS_TIMEOUT_MS);
    expect(slow.filter((held) => held.socket.destroyed)).toHaveLength(0);

    const cuts = await Promise.all(slow.map((held) => held.closed));
    const times = cuts.map((cut) => cut.afterMs).sort((a, b) => a - b);
    expect(cuts.every((cut) => cut.answer.startsWith('HTTP/1.1 408'))).toBe(true);
    expect(times[0]).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(times.at(-1)).toBeLessThanOrEqual(HEADERS_TIMEOUT_MS + LATE_MS);

    const bodyCut = await slowBody.closed;
    expect(bodyCut.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(bodyCut.afterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(bodyCut.afterMs).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + LATE_MS);
    console.log(
      `${SLOW_CLIENTS} slow clients: 21 normal requests answered in ${answeredInMs} ms; headers cut after ${times[0]}–${times.at(-1)} ms ` +
        `(timeout ${HEADERS_TIMEOUT_MS}); slow body cut after ${bodyCut.afterMs} ms (timeout ${REQUEST_TIMEOUT_MS})`,
    );
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const held = await open();
    held.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const { afterMs, answer } = await held.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    // Advertised in whole seconds; node itself waits up to a second longer than it advertises
    // (its keep-alive buffer, against a client reusing the socket as it closes).
    expect(answer).toMatch(/keep-alive: timeout=1\r\n/i);
    expect(afterMs).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 50);
    expect(afterMs).toBeLessThanOrEqual(KEEP_ALIVE_TIMEOUT_MS + 1_000 + LATE_MS);
  });

  it(`closes connections past ${MAX_CONNECTIONS} as they arrive, and logs it`, async () => {
    const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, open));
    // Every one accepted by the server (the kernel completes the handshake first).
    await expect.poll(() => new Promise<number>((resolve) => server.server.getConnections((_e, count) => resolve(count))), { timeout: 5_000 }).toBe(MAX_CONNECTIONS);
    const extra = await open();
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const refused = await extra.closed;
    expect(refused.answer).toBe('');
    expect(refused.afterMs).toBeLessThan(HEADERS_TIMEOUT_MS);
    expect(logLines.some((line) => line.level === 40 && line.maxConnections === MAX_CONNECTIONS && /HTTP_MAX_CONNECTIONS/.test(line.msg))).toBe(true);

    // Once they are gone, the server answers again.
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    await expect.poll(() => new Promise<number>((resolve) => server.server.getConnections((_e, count) => resolve(count))), { timeout: 5_000 }).toBe(0);
    expect((await graphql('{ __typename }')).status).toBe(200);
  });
});
