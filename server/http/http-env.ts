/**
 * The settings of the internet-facing guards. server/env.ts is meant to be the only reader of
 * process.env; until these move there, this small reader keeps them named and checked in one
 * place (and a bad value stops the server at start, like env.ts does).
 */
export interface HttpGuardEnv {
  /** redis://… : rate-limit buckets shared by every instance; unset: in this process only. */
  REDIS_URL?: string;
  /**
   * How many reverse proxies in front of the server append to X-Forwarded-For (0: none, the
   * socket address is the client). `true` means 1. Trusting more hops than exist lets any
   * client choose its own address, so leave it unset unless a proxy really is there.
   */
  TRUST_PROXY: number;
  /** For benchmarks only: no rate limits at all. */
  RATE_LIMIT_DISABLED: boolean;
}

const flag = (name: string, value: string | undefined): boolean => {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new Error(`Invalid environment:\n  ${name}: expected true or false, got "${value}"`);
};

export function readHttpGuardEnv(source: NodeJS.ProcessEnv = process.env): HttpGuardEnv {
  const redisUrl = source.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
    throw new Error('Invalid environment:\n  REDIS_URL: must be a redis:// or rediss:// URL');
  }
  const trust = source.TRUST_PROXY ?? '';
  let hops = 0;
  if (trust === 'true') hops = 1;
  else if (trust !== '' && trust !== 'false') {
    hops = Number(trust);
    if (!Number.isInteger(hops) || hops < 0 || hops > 10) {
      throw new Error(`Invalid environment:\n  TRUST_PROXY: expected a number of proxies (0–10) or true, got "${trust}"`);
    }
  }
  return { REDIS_URL: redisUrl, TRUST_PROXY: hops, RATE_LIMIT_DISABLED: flag('RATE_LIMIT_DISABLED', source.RATE_LIMIT_DISABLED) };
}
