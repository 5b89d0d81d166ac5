import { GraphQLError, Kind, getOperationAST, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { Context } from '../context.ts';
import { clientAddress } from './client-address.ts';
import { RedisTokenBuckets } from './token-bucket-redis.ts';
import { MemoryTokenBuckets, type BucketLimit, type BucketRequest, type TakeResult, type TokenBucketStore } from './token-bucket.ts';

/** The public mutations a widget (site key) calls: what a flood would fill the database with. */
export const RATE_LIMITED_FIELDS: ReadonlySet<string> = new Set(['submitSurveyResponse', 'submitResolutionCheck', 'fileComplaint']);

export const DEFAULT_RATE_LIMITS = {
  /** One person submits a few times a minute at most; 30 at once covers a shared office NAT's burst. */
  perIp: { burst: 30, perSecond: 1 },
  /** A busy site's whole audience. */
  perSite: { burst: 600, perSecond: 20 },
} as const satisfies Record<string, BucketLimit>;

export interface RateLimitOptions {
  perIp?: BucketLimit;
  perSite?: BucketLimit;
  /** Default: Redis at `redisUrl` when given, else this process's memory. */
  store?: TokenBucketStore;
  /** REDIS_URL: buckets shared by every instance. */
  redisUrl?: string;
  /** Reverse proxies in front of the server (TRUST_PROXY; see client-address.ts). Default: none. */
  trustedProxies?: number;
  /** Benchmarks only (RATE_LIMIT_DISABLED). */
  disabled?: boolean;
}

/** How many rate-limited fields the operation runs: aliases make one request many submissions. */
function limitedFieldCount(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (RATE_LIMITED_FIELDS.has(selection.name.value)) count++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += limitedFieldCount(selection.selectionSet, fragments, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) count += limitedFieldCount(fragment.selectionSet, fragments, seen);
    }
  }
  return count;
}

/** Rate-limited fields per mutation: widget documents are persisted, so each is counted once. */
const costs = new WeakMap<OperationDefinitionNode, number>();

function operationCost(document: DocumentNode, operationName: string | null | undefined): number {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'mutation') return 0;
  let cost = costs.get(operation);
  if (cost === undefined) {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    cost = limitedFieldCount(operation.selectionSet, fragments);
    costs.set(operation, cost);
  }
  return cost;
}

export function rateLimitedError(retryAfterMs: number): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GraphQLError(`Too many submissions from this address or site: try again in ${retryAfter} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfter, http: { status: 429, headers: { 'Retry-After': String(retryAfter) } } },
  });
}

function defaultStore(redisUrl: string | undefined): TokenBucketStore {
  if (!redisUrl) return new MemoryTokenBuckets();
  // Fail fast rather than queue: a request waits at most a second for the limiter.
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 1_000 });
  redis.on('error', () => {}); // reported per request below; without a listener ioredis prints each retry
  return new RedisTokenBuckets(redis, 'careloop:rate:', true);
}

/**
 * Token buckets per site and per client address on the public mutations, for widget callers.
 * Checked after the caller is known and before anything executes, so a refused submission
 * stores nothing; answered with RATE_LIMITED, retryAfter (seconds), HTTP 429 and Retry-After.
 * If the shared store fails (Redis down), each instance limits in its own memory until it is
 * back: submissions keep being accepted (losing customers' feedback is worse than a looser
 * limit: with N instances up to N times the limit), a flood still meets a limit, and the failure
 * is logged.
 */
export function useRateLimits(options: RateLimitOptions = {}): Plugin {
  if (options.disabled) return {};
  const perIp = options.perIp ?? DEFAULT_RATE_LIMITS.perIp;
  const perSite = options.perSite ?? DEFAULT_RATE_LIMITS.perSite;
  const trustedProxies = options.trustedProxies ?? 0;
  const store = options.store ?? defaultStore(options.redisUrl);
  const fallback = store instanceof MemoryTokenBuckets ? undefined : new MemoryTokenBuckets();
  let logger: YogaLogger | undefined;
  let lastWarning = 0;

  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    onDispose: () => store.close?.(),
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as Partial<Context> & { request?: Request };
      if (context.caller?.kind !== 'site' || !context.request) return;
      const cost = operationCost(args.document, args.operationName);
      if (cost === 0) return;

      const buckets: BucketRequest[] = [{ key: `site:${context.caller.site.id}`, ...perSite }];
      const address = clientAddress(context.request, context, trustedProxies);
      if (address) buckets.push({ key: `ip:${address}`, ...perIp });
      let taken: TakeResult;
      try {
        taken = await store.take(buckets, cost);
      } catch (error) {
        if (Date.now() - lastWarning > 60_000) {
          lastWarning = Date.now();
          logger?.warn(`rate limiter store unavailable; ${fallback ? "limiting in this process's memory" : 'letting requests through'}`, error);
        }
        // Where the store was this process's memory already, it cannot fail for want of Redis.
        taken = fallback ? await fallback.take(buckets, cost) : { allowed: true };
      }
      if (!taken.allowed) setResultAndStopExecution({ errors: [rateLimitedError(taken.retryAfterMs)] });
    },
  };
}
