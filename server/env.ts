import { z } from 'zod';

/** The only reader of process.env: everything configurable is named and checked here. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  CARELOOP_DATA_DIR: z.string().default('.careloop/data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /**
   * node:http limits, set where the server is made (main.ts): a client gets this long to send
   * a request's headers, and the whole request (headers and body), before it is answered 408
   * and cut; an idle keep-alive connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS; past
   * HTTP_MAX_CONNECTIONS open connections, new ones are closed as they arrive. Slow clients
   * (a byte a second) hold a connection at most HTTP_HEADERS_TIMEOUT_MS.
   */
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1).default(5_000),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(1_000),
  NODE_ENV: z.string().default('development'),
  /** redis://… : rate-limit buckets shared by every instance; unset: in this process only. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /**
   * How many reverse proxies in front of the server append to X-Forwarded-For (0: none, the
   * socket address is the client). `true` means 1. Trusting more hops than exist lets any
   * client choose its own address, so leave it unset unless a proxy really is there.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      if (value === 'true') return 1;
      if (value === 'false') return 0;
      const hops = Number(value);
      if (Number.isInteger(hops) && hops >= 0 && hops <= 10) return hops;
      ctx.addIssue({ code: 'custom', message: `expected a number of proxies (0–10) or true, got "${value}"` });
      return z.NEVER;
    }),
  /** false: this instance serves the API only and runs no background jobs (another instance does). */
  JOBS_RUNNER: z
    .enum(['true', 'false', '1', '0'], { error: (issue) => `expected true or false, got "${String(issue.input)}"` })
    .default('true')
    .transform((value) => value === 'true' || value === '1'),
  /** For benchmarks only: no rate limits at all. */
  RATE_LIMIT_DISABLED: z
    .enum(['true', 'false', '1', '0'], { error: (issue) => `expected true or false, got "${String(issue.input)}"` })
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
}).refine((env) => env.HTTP_HEADERS_TIMEOUT_MS <= env.HTTP_REQUEST_TIMEOUT_MS, {
  // node:http refuses a headers timeout longer than the request timeout it is part of.
  message: 'must not be longer than HTTP_REQUEST_TIMEOUT_MS',
  path: ['HTTP_HEADERS_TIMEOUT_MS'],
});

export type Env = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable (DATABASE_URL= in a .env or compose file) means unset, not invalid.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return parsed.data;
}
