/**
 * The only file that listens: builds the app (createApp: database, Redis, clock, logger, yoga,
 * services), serves yoga over node:http, seeds a first start, and shuts down gracefully on
 * SIGTERM / SIGINT.
 */
import { createServer, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, createLogger, type App } from './app.ts';
import type { Clock } from './clock/clock.ts';
import { DataDirInUseError, describeDatabaseError, rootCause } from './db/data-dir-lock.ts';
import type { DatabaseHandle } from './db/client.ts';
import { isDatabaseUnavailable } from './db/unavailable.ts';
import { readEnv, type Env } from './env.ts';
import { demoOrigins, describeDemoSeed, ensureDemoOrigins, seedDemo, type DemoSeed } from './demo/seed.ts';
import { withRequestLog } from './logging/logger.ts';
import { isEntryPoint } from './shared/entry-point.ts';

export { createLogger } from './app.ts';

export interface StartServerOptions {
  /** Defaults to readEnv(). */
  env?: Env;
  /** Defaults to pino at env.LOG_LEVEL on stdout. */
  logger?: Logger;
  /** Defaults to the system clock (tests pass a TestClock). */
  clock?: Clock;
  /** Where the one-time demo key notice goes; defaults to stdout. */
  print?: (text: string) => void;
}

export interface RunningServer {
  /** e.g. http://localhost:4000 */
  url: string;
  port: number;
  server: Server;
  app: App;
  database: DatabaseHandle;
  /** What a first start seeded (the demo key in clear), or undefined. */
  seeded?: DemoSeed;
  /**
   * Graceful stop, all within one SHUTDOWN_TIMEOUT_MS: no new connections, in-flight requests
   * finish (then every connection is cut), idle keep-alive connections are closed; then the
   * app stops: services (the job runner finishes or releases its jobs), yoga, Redis, the
   * database (and its data-directory lock). Safe to call twice.
   */
  close(): Promise<void>;
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The node:http limits from env.ts. node checks the headers and request timeouts every
 * connectionsCheckingInterval (30 s by default, which would let a slow client keep a socket up
 * to 30 s past its timeout): a tenth of the shorter timeout, between 10 ms and 1 s.
 */
export function httpServerOptions(env: Env): ServerOptions {
  return {
    headersTimeout: env.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeout: env.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: Math.min(1_000, Math.max(10, Math.floor(env.HTTP_HEADERS_TIMEOUT_MS / 10))),
  };
}

/** Connections over HTTP_MAX_CONNECTIONS are closed by node as they arrive; say so, at most once a minute. */
function noteDroppedConnections(server: Server, logger: Logger, max: number): void {
  let dropped = 0;
  let lastNote = 0;
  server.on('drop', () => {
    dropped += 1;
    if (Date.now() - lastNote < 60_000) return;
    lastNote = Date.now();
    logger.warn({ maxConnections: max, dropped }, 'connection refused: HTTP_MAX_CONNECTIONS connections are open');
    dropped = 0;
  });
}

function listen(server: Server, env: Env): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting connections and waits for in-flight requests until `deadline`, then cuts them. */
async function closeHttp(server: Server, deadline: number, logger: Logger, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Connections become idle as their in-flight requests finish: close them as they do.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<true>((resolve) => {
    timer = setTimeout(() => resolve(true), Math.max(0, deadline - Date.now()));
  });
  try {
    if ((await Promise.race([closed, timedOut])) === true) {
      logger.warn({ timeoutMs }, 'in-flight requests did not finish within SHUTDOWN_TIMEOUT_MS; closing their connections');
      server.closeAllConnections();
      await closed;
    }
  } finally {
    clearInterval(sweep);
    clearTimeout(timer);
  }
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const env = options.env ?? readEnv();
  const logger = options.logger ?? createLogger(env);
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));

  const app = await createApp(env, { logger, clock: options.clock });
  const { database, yoga } = app;
  let stopping = false;
  const httpServer = createServer(httpServerOptions(env), (req, res) => {
    // Requests that still arrive on open keep-alive connections while stopping are served, but
    // tell the client not to reuse the connection.
    if (stopping) res.setHeader('connection', 'close');
    // Every line logged while the request is handled carries its id, sent back as x-request-id.
    withRequestLog(logger, req, res, () => void yoga(req, res));
  });
  httpServer.maxConnections = env.HTTP_MAX_CONNECTIONS;
  noteDroppedConnections(httpServer, logger, env.HTTP_MAX_CONNECTIONS);
  try {
    await listen(httpServer, env);
    const { port } = httpServer.address() as AddressInfo;
    const url = `http://${displayHost(env.HOST)}:${port}`;
    // Seeded once listening: the demo site allows the server's own origins, which need the port
    // (PORT=0 picks one).
    const origins = demoOrigins(port, displayHost(env.HOST));
    const seeded = await seedDemo(database.db, { origins, clock: app.clock });
    if (seeded) logger.info({ org: seeded.organization.slug }, 'seeded the demo organization on an empty database');
    else await ensureDemoOrigins(database.db, origins, app.clock);
    await app.start();
    logger.info({ url: `${url}/graphql`, port }, `careloop is listening: GraphiQL at ${url}/graphql`);
    if (seeded) print(describeDemoSeed(seeded, `${url}/graphql`));

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        stopping = true;
        // One deadline for the whole stop: what the connections did not use is left for the
        // services and then for yoga's handlers.
        const deadline = Date.now() + env.SHUTDOWN_TIMEOUT_MS;
        await closeHttp(httpServer, deadline, logger, env.SHUTDOWN_TIMEOUT_MS);
        await app.stop(deadline);
      })());

    return { url, port, server: httpServer, app, database, seeded, close };
  } catch (error) {
    httpServer.close();
    await app.stop().catch(() => {});
    throw error;
  }
}

/** One clear line for a failed start; undefined when the error is unexpected. */
export function describeStartupError(error: unknown, env: Env | undefined): string | undefined {
  if (error instanceof DataDirInUseError) return error.message;
  if (error instanceof Error && error.message.startsWith('Invalid environment')) return error.message;
  const errno = rootCause(error) as NodeJS.ErrnoException;
  if (errno?.syscall === 'listen' && env) {
    if (errno.code === 'EADDRINUSE') return `port ${env.PORT} on ${env.HOST} is already in use. Stop what uses it, or set PORT to another port.`;
    if (errno.code === 'EACCES') return `no permission to listen on port ${env.PORT} on ${env.HOST}. Set PORT to a port above 1023.`;
    if (errno.code === 'EADDRNOTAVAIL') return `cannot listen on HOST ${env.HOST}: no such address on this machine.`;
  }
  return env ? describeDatabaseError(error, env) : undefined;
}

async function main(): Promise<void> {
  let env: Env | undefined;
  let logger: Logger | undefined;
  let running: RunningServer | undefined;
  // A signal while starting (opening PGlite, migrating) is honoured once the start completes,
  // rather than killing the process in the middle of a write.
  let stopRequested: NodeJS.Signals | undefined;
  const early = (signal: NodeJS.Signals) => {
    if (stopRequested) {
      process.stderr.write(`careloop: ${signal} again while starting: exiting now\n`);
      process.exit(1);
    }
    stopRequested = signal;
    process.stderr.write(`careloop: ${signal} while starting: stopping once started (again to exit now)\n`);
  };
  process.on('SIGTERM', early);
  process.on('SIGINT', early);
  try {
    env = readEnv();
    logger = createLogger(env);
    running = await startServer({ env, logger });
  } catch (error) {
    const known = describeStartupError(error, env);
    if (known) {
      process.stderr.write(`careloop: ${known}\n`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`careloop failed to start: ${message}\n`);
      if (env?.LOG_LEVEL === 'debug' || env?.LOG_LEVEL === 'trace') {
        process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
      } else {
        process.stderr.write('(set LOG_LEVEL=debug to see the stack trace)\n');
      }
    }
    process.exit(1);
  }

  process.off('SIGTERM', early);
  process.off('SIGINT', early);
  const log = logger!;
  const server = running!;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      // A second Ctrl-C: stop waiting for in-flight requests, but still close the database cleanly.
      log.warn({ signal }, 'second signal: closing all connections now');
      server.server.closeAllConnections();
      return;
    }
    signalled = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    server.close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('unhandledRejection', (reason) => onUnhandledRejection(reason, log));
  if (stopRequested) onSignal(stopRequested);
}

/**
 * A lost database can surface as a promise nobody awaits: a socket error (ECONNRESET) on a
 * connection postgres.js opened for a query of its own. Seen in the suite's chaos run, where it
 * crashed a serving process during a database cut. That is an outage, which the server rides
 * out (requests answer 503 meanwhile), not a reason to exit; any other unhandled rejection is a
 * bug, and the process exits as node would, after logging it.
 */
export function onUnhandledRejection(reason: unknown, log: Logger): void {
  if (isDatabaseUnavailable(reason)) {
    log.warn({ code: 'SERVICE_UNAVAILABLE', err: reason }, 'database unavailable (an unawaited driver promise)');
    return;
  }
  log.fatal({ err: reason }, 'unhandled promise rejection');
  process.exit(1);
}

if (isEntryPoint(import.meta.url)) void main();
