/**
 * The request-size guard and the in-flight count over a real node:http server (the other tests
 * go through yoga.fetch, which never takes the node:http body path).
 */
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect } from 'vitest';
import { useInFlightRequests } from '../../server/http/use-in-flight.ts';
import { MAX_REQUEST_BYTES } from '../../server/http/use-request-size-limit.ts';
import type { TestApi } from '../helpers/api.ts';
import { test } from '../helpers/fixtures.ts';

/** The port of a node:http server in front of the file's API, closed after the file (before the API). */
const it = test.extend('port', { scope: 'file' }, async ({ api }, { onCleanup }): Promise<number> => {
  const server: Server = createServer((req, res) => void api.yoga(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
});
// The file's API and server are built in a hook, under hookTimeout as before, not within the first test's time.
it.beforeAll(({ port: _ }) => {});

interface Answer {
  status: number;
  body: any;
}

/** One POST; `chunks` are written one by one (chunked, no Content-Length unless given). */
function post(api: TestApi, port: number, chunks: string[], headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${api.orgA.key}`, ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        res.on('error', reject);
      },
    );
    // The server may answer (and stop reading) before the whole body is written.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const query = JSON.stringify({ query: '{ organization { id } }' });

describe('request size over node:http', () => {
  it('reads a body with or without a Content-Length', async ({ api, port }) => {
    const declared = await post(api, port, [query], { 'content-length': String(Buffer.byteLength(query)) });
    expect(declared.body).toEqual({ data: { organization: { id: api.orgA.id } } });
    const chunked = await post(api, port, [query.slice(0, 10), query.slice(10)]);
    expect(chunked.body).toEqual({ data: { organization: { id: api.orgA.id } } });
  });

  it('answers 413 to a chunked body over the limit, counting as it arrives', async ({ api, port }) => {
    const padding = ' '.repeat(16 * 1024);
    const answer = await post(api, port, [query.slice(0, -1), ...Array<string>(8).fill(padding), '}']);
    expect(answer.status).toBe(413);
    expect(answer.body.errors[0].extensions.code).toBe('REQUEST_TOO_LARGE');
    expect(8 * padding.length).toBeGreaterThan(MAX_REQUEST_BYTES);
  });

  it('answers 413 by the declared Content-Length, and 400 to a malformed one', async ({ api, port }) => {
    const large = await post(api, port, [query], { 'content-length': String(MAX_REQUEST_BYTES + 1) }).catch(() => undefined);
    // Node may cut the connection once the short body ends early; if it answered, it is a 413.
    if (large) expect(large.status).toBe(413);
    const malformed = await new Promise<number>((resolve, reject) => {
      // node:http refuses to send a malformed Content-Length itself: write the request by hand.
      const socket = connect(port, '127.0.0.1', () => {
        socket.end(
          `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1, 1\r\n\r\n{}`,
        );
      });
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1])));
      socket.on('error', reject);
    });
    expect(malformed).toBe(400);
  });
});

describe('useInFlightRequests', () => {
  it('makes dispose wait for a request still being handled, then lets it go', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const yoga = createYoga({
      logging: false,
      schema: createSchema({
        typeDefs: 'type Query { slow: Boolean! }',
        resolvers: { Query: { slow: async () => (started(), await released, true) } },
      }),
      plugins: [useInFlightRequests(5_000)],
    });
    const response = yoga.fetch('http://test/graphql?query=%7Bslow%7D');
    await running;
    let disposed = false;
    const disposing = Promise.resolve(yoga.dispose()).then(() => (disposed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(disposed).toBe(false);
    release();
    await disposing;
    expect(await (await response).json()).toEqual({ data: { slow: true } });
  });

  it('waits at most the grace period', async () => {
    const yoga = createYoga({
      logging: false,
      schema: createSchema({
        typeDefs: 'type Query { never: Boolean! }',
        resolvers: { Query: { never: () => new Promise<boolean>(() => {}) } },
      }),
      plugins: [useInFlightRequests(100)],
    });
    void yoga.fetch('http://test/graphql?query=%7Bnever%7D');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const start = Date.now();
    await yoga.dispose();
    expect(Date.now() - start).toBeGreaterThanOrEqual(90);
    expect(Date.now() - start).toBeLessThan(2_000);
  });
});
