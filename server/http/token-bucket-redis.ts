import type { Redis } from 'ioredis';
import type { BucketRequest, TakeResult, TokenBucketStore } from './token-bucket.ts';

/**
 * One atomic script for all of a request's buckets, on Redis's clock (instances' clocks may
 * differ). Same arithmetic as MemoryTokenBuckets. KEYS: the buckets; ARGV[1]: cost, then per
 * bucket its burst and its refill per second. A bucket expires once it would be full again.
 */
const TAKE_SCRIPT = `
local cost = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local levels = {}
local wait = 0
for i = 1, #KEYS do
  local burst = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1]) / 1000
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
  local tokens = burst
  if state[1] then
    tokens = math.min(burst, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rate)
  end
  levels[i] = tokens
  if tokens < cost then
    wait = math.max(wait, math.ceil((cost - tokens) / rate))
  end
end
if wait > 0 then
  return {0, wait}
end
for i = 1, #KEYS do
  local burst = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1]) / 1000
  local tokens = levels[i] - cost
  redis.call('HSET', KEYS[i], 'tokens', string.format('%.6f', tokens), 'at', string.format('%d', now))
  redis.call('PEXPIRE', KEYS[i], math.ceil((burst - tokens) / rate) + 1000)
end
return {1, 0}
`;

type WithTakeCommand = Redis & {
  careloopTakeTokens(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<[number, number]>;
};

export class RedisTokenBuckets implements TokenBucketStore {
  private readonly redis: WithTakeCommand;

  constructor(
    redis: Redis,
    /** Namespaces the keys; tests use a fresh one each. */
    private readonly prefix = 'careloop:rate:',
    /** Whether close() also disconnects the client (true when this store made it). */
    private readonly ownsClient = false,
  ) {
    // defineCommand sends EVALSHA and falls back to EVAL once after a Redis restart.
    redis.defineCommand('careloopTakeTokens', { lua: TAKE_SCRIPT });
    this.redis = redis as WithTakeCommand;
  }

  async take(requests: readonly BucketRequest[], cost = 1): Promise<TakeResult> {
    if (requests.length === 0) return { allowed: true };
    const keys = requests.map((request) => `${this.prefix}${request.key}`);
    const args = requests.flatMap((request) => [request.burst, request.perSecond]);
    const [allowed, wait] = await this.redis.careloopTakeTokens(keys.length, ...keys, cost, ...args);
    return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Number(wait) };
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.redis.disconnect();
  }
}
