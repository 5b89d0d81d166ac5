/**
 * createApp(env): everything the process runs, built once and in one place — the database
 * (migrated), one shared Redis connection (when REDIS_URL), the clock, the logger, yoga and the
 * background services. main.ts only listens and wires signals; tests build an app without a port.
 */
import { Redis } from 'ioredis';
import type { DestinationStream, Logger } from 'pino';
import { systemClock, type Clock } from './clock/clock.ts';
import type { DatabaseHandle } from './db/client.ts';
import { openConfiguredDatabase } from './db/data-dir-lock.ts';
import { runMigrations } from './db/migrate.ts';
import type { Env } from './env.ts';
import { jobRegistry } from './jobs/kinds.ts';
import { createJobRunner, type JobRunner } from './jobs/runner.ts';
import { createLogger as createPinoLogger, yogaLogger } from './logging/logger.ts';
import { createCareloopYoga, type CareloopYoga } from './yoga.ts';

/**
 * Background work that lives as long as the process: the job runner today, later the webhook
 * relay. stop() finishes its work or hands it back (a job's lease released) by `deadline`
 * (epoch ms, wall time), so that nothing is left half done when the database closes.
 */
export interface Service {
  name: string;
  start(): Promise<void>;
  stop(deadline: number): Promise<void>;
}

export interface AppOptions {
  /** Business time; the system clock unless a test passes a TestClock. */
  clock?: Clock;
  /** Defaults to createLogger(env, logDestination). */
  logger?: Logger;
  /** Where the default logger writes its JSON lines (stdout unless a test reads them). */
  logDestination?: DestinationStream;
  /** Services besides the built-in ones (tests). */
  services?: Service[];
}

export interface App {
  env: Env;
  database: DatabaseHandle;
  /** The one Redis connection of the process (rate limits), when REDIS_URL is set. */
  redis?: Redis;
  clock: Clock;
  logger: Logger;
  yoga: CareloopYoga;
  /** The job runner (also among the services), unless JOBS_RUNNER=false. */
  jobs?: JobRunner;
  services: readonly Service[];
  /** Starts the services, in order. */
  start(): Promise<void>;
  /**
   * Stops the services (in reverse order), then disposes yoga (waiting for running handlers),
   * closes Redis, then the database — all by `deadline` (epoch ms). Safe to call twice.
   */
  stop(deadline?: number): Promise<void>;
}

/**
 * JSON lines (server/logging/logger.ts): on stdout, written synchronously so they keep their
 * order with the demo-key notice, unless `destination` is given.
 */
export function createLogger(env: Pick<Env, 'LOG_LEVEL'>, destination?: DestinationStream): Logger {
  return createPinoLogger(env.LOG_LEVEL, destination);
}

/** The shared connection: fails fast rather than queueing (a request waits at most a second for the limiter). */
function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 1_000 });
  let lastWarning = 0;
  // Without a listener ioredis prints every reconnection attempt; users of the connection report
  // their own failures, so this only notes the outage once a minute.
  redis.on('error', (error: Error) => {
    if (Date.now() - lastWarning < 60_000) return;
    lastWarning = Date.now();
    logger.warn({ err: error.message }, 'redis unavailable');
  });
  // Connected now but not awaited: a start never waits for Redis. rate-limiter-flexible limits in
  // memory (its insurance limiter) until the connection is ready, and reconnects are ioredis's.
  void redis.connect().catch(() => {});
  return redis;
}

/** quit() resolves on Redis's OK, before the socket is closed: wait for that too (at most a second). */
async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'wait') return redis.disconnect(); // never connected (lazyConnect)
  const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
  await redis.quit().catch(() => redis.disconnect());
  const timer = setTimeout(() => redis.disconnect(), 1_000);
  await ended;
  clearTimeout(timer);
}

export async function createApp(env: Env, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(env, options.logDestination);
  const clock = options.clock ?? systemClock;
  const database = await openConfiguredDatabase(env);
  let redis: Redis | undefined;
  try {
    logger.info({ database: database.description }, `using ${database.description}`);
    await runMigrations(database);
    redis = env.REDIS_URL ? connectRedis(env.REDIS_URL, logger) : undefined;

    /** Set when a stop begins: SHUTDOWN_TIMEOUT_MS covers connections, services and handlers together. */
    let stopDeadline = Infinity;
    const yoga = createCareloopYoga({
      database,
      clock,
      // Yoga's lines go through the app's pino logger (the request's child while one is handled).
      logging: yogaLogger(logger),
      graphiql: true,
      // What the connections and services did not use of the one deadline is left for the handlers.
      inFlightGraceMs: () => Math.max(0, Math.min(env.SHUTDOWN_TIMEOUT_MS, stopDeadline - Date.now())),
      rateLimits: { disabled: env.RATE_LIMIT_DISABLED, trustedProxies: env.TRUST_PROXY, redis },
    });
    const jobs = env.JOBS_RUNNER ? createJobRunner({ db: database.db, clock, logger, registry: jobRegistry }) : undefined;
    const services: Service[] = [...(jobs ? [jobs] : []), ...(options.services ?? [])];

    const started: Service[] = [];
    let stopping: Promise<void> | undefined;
    const stop = (deadline = Date.now() + env.SHUTDOWN_TIMEOUT_MS) =>
      (stopping ??= (async () => {
        stopDeadline = deadline;
        // Reverse order: a service may rely on one started before it.
        for (const service of started.reverse()) {
          try {
            await service.stop(deadline);
          } catch (error) {
            logger.error({ err: error, service: service.name }, 'service did not stop cleanly');
          }
        }
        // Background work yoga was asked to wait for (waitUntil) and plugins' onDispose finish
        // before their connections go away.
        await yoga.dispose();
        if (redis) await closeRedis(redis);
        await database.close();
      })());

    return {
      env,
      database,
      redis,
      clock,
      logger,
      yoga,
      jobs,
      services,
      async start() {
        for (const service of services) {
          if (started.includes(service)) continue;
          await service.start();
          started.push(service);
          logger.debug({ service: service.name }, 'service started');
        }
      },
      stop,
    };
  } catch (error) {
    redis?.disconnect();
    await database.close().catch(() => {});
    throw error;
  }
}
