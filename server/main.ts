/**
 * The only file that listens: opens the configured database, migrates, seeds a first start,
 * serves yoga over node:http, and shuts down gracefully on SIGTERM / SIGINT.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { DataDirInUseError, describeDatabaseError, openConfiguredDatabase, rootCause } from './db/data-dir-lock.ts';
import type { DatabaseHandle } from './db/client.ts';
import { runMigrations } from './db/migrate.ts';
import { readEnv, type Env } from './env.ts';
import { demoOrigins, describeDemoSeed, ensureDemoOrigins, seedDemo, type DemoSeed } from './demo/seed.ts';
import { createCareloopYoga, type YogaOptions } from './yoga.ts';
import { isEntryPoint } from './shared/entry-point.ts';

export interface StartServerOptions {
  /** Defaults to readEnv(). */
  env?: Env;
  /** Defaults to pino at env.LOG_LEVEL on stdout. */
  logger?: Logger;
  /** Where the one-time demo key notice goes; defaults to stdout. */
  print?: (text: string) => void;
}

export interface RunningServer {
  /** e.g. http://localhost:4000 */
  url: string;
  port: number;
  server: Server;
  database: DatabaseHandle;
  /** What a first start seeded (the demo key in clear), or undefined. */
  seeded?: DemoSeed;
  /**
   * Graceful stop: no new connections, in-flight requests finish (for at most
   * SHUTDOWN_TIMEOUT_MS, then every connection is cut), idle keep-alive connections are closed,
   * then the database (and its data-directory lock). Safe to call twice.
   */
  close(): Promise<void>;
}

/** JSON lines on stdout, written synchronously so they keep their order with the demo-key notice. */
export function createLogger(env: Pick<Env, 'LOG_LEVEL'>): Logger {
  return pino({ level: env.LOG_LEVEL }, pino.destination({ dest: 1, sync: true }));
}

function yogaLogging(level: Env['LOG_LEVEL']): YogaOptions['logging'] {
  switch (level) {
    case 'silent':
      return false;
    case 'fatal':
      return 'error';
    case 'trace':
      return 'debug';
    default:
      return level;
  }
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const env = options.env ?? readEnv();
  const logger = options.logger ?? createLogger(env);
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));

  const database = await openConfiguredDatabase(env);
  let server: Server | undefined;
  try {
    logger.info({ database: database.description }, `using ${database.description}`);
    await runMigrations(database);

    /** Set when a stop begins: SHUTDOWN_TIMEOUT_MS covers the connections and the handlers together. */
    let shutdownDeadline = Infinity;
    const yoga = createCareloopYoga({
      database,
      logging: yogaLogging(env.LOG_LEVEL),
      graphiql: true,
      // One deadline for the whole stop: what the connections did not use is left for the handlers.
      inFlightGraceMs: () => Math.max(0, Math.min(env.SHUTDOWN_TIMEOUT_MS, shutdownDeadline - Date.now())),
      rateLimits: { disabled: env.RATE_LIMIT_DISABLED, trustedProxies: env.TRUST_PROXY, redisUrl: env.REDIS_URL },
    });
    let stopping = false;
    const httpServer = createServer((req, res) => {
      // Requests that still arrive on open keep-alive connections while stopping are served, but
      // tell the client not to reuse the connection.
      if (stopping) res.setHeader('connection', 'close');
      void yoga(req, res);
    });
    server = httpServer;
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(env.PORT, env.HOST, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    const { port } = httpServer.address() as AddressInfo;
    const url = `http://${displayHost(env.HOST)}:${port}`;
    // Seeded once listening: the demo site allows the server's own origins, which need the port
    // (PORT=0 picks one).
    const origins = demoOrigins(port, displayHost(env.HOST));
    const seeded = await seedDemo(database.db, { origins });
    if (seeded) logger.info({ org: seeded.organization.slug }, 'seeded the demo organization on an empty database');
    else await ensureDemoOrigins(database.db, origins);
    logger.info({ url: `${url}/graphql`, port }, `careloop is listening: GraphiQL at ${url}/graphql`);
    if (seeded) print(describeDemoSeed(seeded, `${url}/graphql`));

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        stopping = true;
        shutdownDeadline = Date.now() + env.SHUTDOWN_TIMEOUT_MS;
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        // Connections become idle as their in-flight requests finish: close them as they do.
        httpServer.closeIdleConnections();
        const sweep = setInterval(() => httpServer.closeIdleConnections(), 50);
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<true>((resolve) => {
          timer = setTimeout(() => resolve(true), env.SHUTDOWN_TIMEOUT_MS);
        });
        try {
          if ((await Promise.race([closed, timedOut])) === true) {
            logger.warn(
              { timeoutMs: env.SHUTDOWN_TIMEOUT_MS },
              'in-flight requests did not finish within SHUTDOWN_TIMEOUT_MS; closing their connections',
            );
            httpServer.closeAllConnections();
            await closed;
          }
        } finally {
          clearInterval(sweep);
          clearTimeout(timer);
        }
        // Background work yoga was asked to wait for (waitUntil) and plugins' onDispose (their
        // own connections) finish before the database goes away.
        await yoga.dispose();
        await database.close();
      })());

    return { url, port, server: httpServer, database, seeded, close };
  } catch (error) {
    server?.close();
    await database.close().catch(() => {});
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
  if (stopRequested) onSignal(stopRequested);
}

if (isEntryPoint(import.meta.url)) void main();
