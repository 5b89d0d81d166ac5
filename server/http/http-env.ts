import { readEnv, type Env } from '../env.ts';

/** The settings of the internet-facing guards, read and checked by server/env.ts with the rest. */
export type HttpGuardEnv = Pick<Env, 'REDIS_URL' | 'TRUST_PROXY' | 'RATE_LIMIT_DISABLED'>;

/** The guards' part of readEnv() (a bad value anywhere stops the server at start). */
export function readHttpGuardEnv(source?: NodeJS.ProcessEnv): HttpGuardEnv {
  const { REDIS_URL, TRUST_PROXY, RATE_LIMIT_DISABLED } = readEnv(source);
  return { REDIS_URL, TRUST_PROXY, RATE_LIMIT_DISABLED };
}
