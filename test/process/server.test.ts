import { readdirSync } from 'node:fs';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresDatabase,
  killAllChildren,
  logEntries,
  startServerProcess,
  tempDir,
  type ServerProcess,
  type ThrowawayPostgres,
} from './processes.ts';

afterAll(killAllChildren);

const DEMO_KEY_LINE = /^Demo API key \(shown once\): (sk_[A-Za-z0-9_-]{43})$/gm;

function demoKeys(stdout: string): string[] {
  return [...stdout.matchAll(DEMO_KEY_LINE)].map((m) => m[1]!);
}

async function gql(url: string, key: string, query: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: unknown[] } };
}

/**
 * A POST whose body is only half sent: the server has the request in flight until finish() sends
 * the rest. `response` resolves with the status and body, or rejects if the connection is cut.
 */
function slowRequest(port: number, key: string, query: string) {
  const body = JSON.stringify({ query });
  const half = Math.floor(body.length / 2);
  let req!: ClientRequest;
  const response = new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
    req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${key}`,
        },
      },
      (res: IncomingMessage) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text, connection: res.headers.connection }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.flushHeaders();
    req.write(body.slice(0, half));
  });
  response.catch(() => {}); // observed by the test when it cares
  return { response, finish: () => req.end(body.slice(half)) };
}

/** A keep-alive connection that has finished its request and sits idle. */
async function idleKeepAliveConnection(port: number): Promise<{ closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', headers: { connection: 'keep-alive' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        const closed = new Promise<void>((done) => req.socket!.once('close', () => done()));
        resolve({ closed });
      });
    });
    req.shouldKeepAlive = true;
    req.on('error', reject);
    req.end();
  });
}

function isRunning(server: ServerProcess): boolean {
  return server.child.exitCode === null && server.child.signalCode === null;
}

describe('the server on embedded PGlite', { timeout: 180_000 }, () => {
  const data = tempDir('server');
  const env = { CARELOOP_DATA_DIR: data.dir };
  afterAll(() => data.remove());
  let demoKey: string;

  it('first start: serves /healthz and /readyz, prints a demo key once, and it works', async () => {
    const server = await startServerProcess(env);
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });

      const { stdout } = server.output();
      const keys = demoKeys(stdout);
      expect(keys).toHaveLength(1);
      demoKey = keys[0]!;
      expect(stdout.split(demoKey)).toHaveLength(2); // the key appears exactly once
      const listening = logEntries(stdout).find((e) => e.url);
      expect(listening?.url).toBe(`http://127.0.0.1:${server.port}/graphql`);

      const result = await gql(server.url, demoKey, '{ organization { name slug } apiKeys { name scopes } }');
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.organization).toEqual({ name: 'Demo', slug: 'demo' });
      expect(result.body.data.apiKeys).toEqual([{ name: 'demo', scopes: ['READ', 'WRITE', 'ADMIN'] }]);

      // GraphiQL for browsers at /graphql.
      const graphiql = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(graphiql.status).toBe(200);
      expect(await graphiql.text()).toContain('careloop GraphiQL');
    } finally {
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    }
  });

  it('second start: no new demo key; a concurrent start fails on the lock; SIGTERM lets an in-flight request finish and exits 0', async () => {
    const server = await startServerProcess({ ...env, SHUTDOWN_TIMEOUT_MS: '20000' });
    try {
      expect(demoKeys(server.output().stdout)).toEqual([]);
      const orgs = await gql(server.url, demoKey, '{ organization { slug } }');
      expect(orgs.body.data.organization.slug).toBe('demo');

      // A second server on the same data directory: one clear line, exit 1, no stack trace.
      const failed = await startServerProcess(env).catch((e: Error) => e.message);
      expect(failed).toContain('exited with 1 before listening');
      expect(failed).toContain(
        `careloop: careloop data directory ${data.dir} is in use by process ${server.child.pid} (is the server running?).`,
      );
      expect(failed).not.toContain('    at ');
      expect(readdirSync(data.dir).sort()).toEqual(['careloop.lock', 'pg']);

      const idle = await idleKeepAliveConnection(server.port);
      const slow = slowRequest(server.port, demoKey, '{ organization { slug } }');
      await sleep(500); // the server has accepted the connection and read the headers: it is in flight
      const signalledAt = Date.now();
      server.child.kill('SIGTERM');
      await idle.closed; // idle keep-alive connections are closed at once
      await sleep(300);
      expect(isRunning(server)).toBe(true); // still waiting for the in-flight request
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow(); // no new connections

      slow.finish();
      const response = await slow.response;
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ data: { organization: { slug: 'demo' } } });

      const exit = await server.exited;
      expect(exit.code).toBe(0);
      // It did not wait for SHUTDOWN_TIMEOUT_MS.
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      const messages = logEntries(exit.stdout).map((e) => e.msg);
      expect(messages).toContain('shutting down: finishing in-flight requests');
      expect(messages).toContain('stopped');
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('a request that never finishes is cut after SHUTDOWN_TIMEOUT_MS, and the process still exits 0', async () => {
    const server = await startServerProcess({ ...env, SHUTDOWN_TIMEOUT_MS: '500' });
    const stuck = slowRequest(server.port, demoKey, '{ organization { slug } }');
    await sleep(500);
    server.child.kill('SIGTERM');
    await expect(stuck.response).rejects.toThrow();
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(logEntries(exit.stdout).some((e) => e.msg?.includes('did not finish within SHUTDOWN_TIMEOUT_MS'))).toBe(true);
  });
});

describe('startup failures', () => {
  it('a bad environment prints a clear message and exits 1 without a stack trace', async () => {
    const failed = await startServerProcess({ PORT: 'not-a-port' }).catch((e: Error) => e.message);
    expect(failed).toContain('exited with 1 before listening');
    expect(failed).toContain('PORT');
    expect(failed).not.toContain('    at ');
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('the server on PostgreSQL (TEST_DATABASE_URL)', { timeout: 180_000 }, () => {
  let database: ThrowawayPostgres;
  beforeAll(async () => {
    database = (await createPostgresDatabase())!;
  });
  afterAll(() => database?.drop());

  it('migrates and seeds on the first start only, serves, and shuts down with exit 0', async () => {
    const env = { DATABASE_URL: database.url };
    const first = await startServerProcess(env);
    let key: string;
    try {
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
      const keys = demoKeys(first.output().stdout);
      expect(keys).toHaveLength(1);
      key = keys[0]!;
    } finally {
      first.child.kill('SIGTERM');
      expect((await first.exited).code).toBe(0);
    }
    const second = await startServerProcess(env);
    try {
      expect(demoKeys(second.output().stdout)).toEqual([]);
      const result = await gql(second.url, key, '{ organization { slug } }');
      expect(result.body.data.organization.slug).toBe('demo');
    } finally {
      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    }
  });
});
