import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Limits on rate-limiter-flexible: `points` per window of `duration` seconds. A key may spend
 * all of its points at once (the burst) and gets them all back when its window ends (the
 * refill): over any `duration` at most twice `points` pass, the same bound the token buckets
 * this replaced had (burst plus the refill of one period).
 */
export interface WindowLimit {
  /** How many may arrive at once, and per window. */
  points: number;
  /** The window in whole seconds (the library's Redis store keeps whole-second expiries). */
  duration: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface LimiterStore {
  /** The app's shared Redis: every instance counts in it. Without it, this process's memory. */
  redis?: Redis;
  /** Namespaces the keys; tests use a fresh one each. */
  keyPrefix?: string;
  /** How long a request waits for Redis before memory decides; REDIS_TIMEOUT_MS unless a test on a loaded machine needs more. */
  timeoutMs?: number;
  /** Called when Redis fails and this process's memory decides instead. */
  onFallback?: (error: unknown) => void;
}

/*
 * Memory: the library keeps a key (and a timer) until its window ends, with no cap on the count
 * (the hand-written buckets had one of 100,000). Measured: 463 bytes per key, so a flood from
 * 100,000 distinct addresses within one 30 s window holds about 46 MB until those windows end;
 * a server takes a few thousand requests a second, which bounds the keys a window can gather.
 */

/**
 * Not the token buckets' `careloop:rate:` (hashes): during a rolling deploy old and new instances
 * share Redis, and the same key names as strings answered WRONGTYPE (seen in bench:ab with both
 * running), sending both to memory. The old keys expire by themselves.
 */
export const KEY_PREFIX = 'careloop:rl';

/** Fail fast rather than queue: a request waits at most this long for Redis. */
const REDIS_TIMEOUT_MS = 1_000;

/** Memory limiter that says when it stands in for Redis (the library's insurance is silent). */
class InsuranceLimiter extends RateLimiterMemory {
  constructor(
    limit: WindowLimit,
    keyPrefix: string,
    private readonly onUse: () => void,
  ) {
    super({ ...limit, keyPrefix });
  }

  override consume(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    this.onUse();
    return super.consume(key, points, options);
  }
}

/**
 * One limit in Redis with a memory insurance limiter: while Redis fails (down, not ready, or
 * slower than REDIS_TIMEOUT_MS), each instance limits in its own memory. Submissions keep being
 * accepted (losing customers' feedback is worse than a looser limit: with N instances up to N
 * times the limit), a flood still meets a limit, and Redis decides again once it answers.
 */
export function createLimiter(limit: WindowLimit, { redis, keyPrefix = KEY_PREFIX, timeoutMs = REDIS_TIMEOUT_MS, onFallback }: LimiterStore = {}): RateLimiterAbstract {
  if (!Number.isInteger(limit.duration) || limit.duration < 1) throw new Error(`rate limit duration must be whole seconds ≥ 1, got ${limit.duration}`);
  if (!redis) return new RateLimiterMemory({ ...limit, keyPrefix });
  const insuranceLimiter = new InsuranceLimiter(limit, keyPrefix, () => onFallback?.(new Error('Redis unavailable for rate limits')));
  const limiter = new RateLimiterRedis({ ...limit, keyPrefix, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter });
  return new RLWrapperTimeouts({ limiter, timeoutMs, insuranceLimiter });
}

/*
 * Cost, measured with `npm run bench:ab` on the submission hot path with Redis and limits too
 * high to refuse: ×1.065 the server CPU per request of the hand-written buckets (one Lua script
 * for both buckets; here one per limit), within what a shared 2-core machine tells apart (limits
 * off measured ×0.96 of the buckets in the same run).
 */
export interface Take {
  limiter: RateLimiterAbstract;
  key: string;
}

/**
 * Takes `cost` points from every limit or from none: all are charged at once (one round trip
 * to Redis in time) and, when one refuses, every charge is given back, so a refused request
 * drains neither the other limit nor, with a cost above one, the refusing one. Between the
 * charge and the refund a concurrent request may see the points taken: it errs towards refusing.
 */
export async function takeAll(takes: readonly Take[], cost = 1): Promise<TakeResult> {
  const results = await Promise.allSettled(takes.map(({ limiter, key }) => limiter.consume(key, cost)));
  const failure = results.find((result) => result.status === 'rejected' && !(result.reason instanceof RateLimiterRes));
  if (results.every((result) => result.status === 'fulfilled')) return { allowed: true };
  await Promise.allSettled(takes.map(({ limiter, key }) => limiter.reward(key, cost)));
  // Not a refusal but a failure the insurance could not absorb: the caller decides.
  if (failure?.status === 'rejected') throw failure.reason;
  let retryAfterMs = 0;
  for (const result of results) {
    if (result.status === 'rejected') retryAfterMs = Math.max(retryAfterMs, (result.reason as RateLimiterRes).msBeforeNext);
  }
  return { allowed: false, retryAfterMs };
}
