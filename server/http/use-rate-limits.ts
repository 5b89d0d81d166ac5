import { GraphQLError, Kind, getOperationAST, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { isWidgetCaller } from '../auth/caller.ts';
import type { Context } from '../context.ts';
import { clientAddress } from './client-address.ts';
import { createLimiter, KEY_PREFIX, takeAll, type Take, type WindowLimit } from './rate-limiter.ts';

/** The public mutations a widget (site key) calls: what a flood would fill the database with. */
export const RATE_LIMITED_FIELDS: ReadonlySet<string> = new Set(['submitSurveyResponse', 'submitResolutionCheck', 'fileComplaint']);

export const DEFAULT_RATE_LIMITS = {
  /** One person submits a few times a minute at most; 30 at once covers a shared office NAT's burst (1 per second sustained). */
  perIp: { points: 30, duration: 30 },
  /** A busy site's whole audience (20 per second sustained). */
  perSite: { points: 600, duration: 30 },
} as const satisfies Record<string, WindowLimit>;

export interface RateLimitOptions {
  perIp?: WindowLimit;
  perSite?: WindowLimit;
  /** The app's shared Redis connection: limits shared by every instance (this plugin does not close it). */
  redis?: Redis;
  /** Namespaces the Redis keys; tests use a fresh one each. */
  keyPrefix?: string;
  /** How long a request waits for Redis before this process's memory decides (default 1 s). */
  redisTimeoutMs?: number;
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

/**
 * Limits per site and per client address on the public mutations, for widget callers
 * (rate-limiter-flexible; see rate-limiter.ts for Redis and its memory insurance). Checked after
 * the caller is known and before anything executes, so a refused submission stores nothing;
 * answered with RATE_LIMITED, retryAfter (seconds), HTTP 429 and Retry-After.
 */
export function useRateLimits(options: RateLimitOptions = {}): Plugin {
  if (options.disabled) return {};
  const trustedProxies = options.trustedProxies ?? 0;
  let logger: YogaLogger | undefined;
  let lastWarning = 0;
  const { redis } = options;
  const prefix = options.keyPrefix ?? KEY_PREFIX;
  const onFallback = (error: unknown) => {
    if (Date.now() - lastWarning < 60_000) return;
    lastWarning = Date.now();
    logger?.warn("rate limiter: Redis unavailable; limiting in this process's memory", error);
  };
  const perSite = createLimiter(options.perSite ?? DEFAULT_RATE_LIMITS.perSite, { redis, keyPrefix: `${prefix}:site`, timeoutMs: options.redisTimeoutMs, onFallback });
  const perIp = createLimiter(options.perIp ?? DEFAULT_RATE_LIMITS.perIp, { redis, keyPrefix: `${prefix}:ip`, timeoutMs: options.redisTimeoutMs, onFallback });

  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as Partial<Context> & { request?: Request };
      if (!isWidgetCaller(context.caller) || !context.request) return;
      const cost = operationCost(args.document, args.operationName);
      if (cost === 0) return;

      const takes: Take[] = [{ limiter: perSite, key: context.caller.site.id }];
      const address = clientAddress(context.request, context, trustedProxies);
      if (address) takes.push({ limiter: perIp, key: address });
      const taken = await takeAll(takes, cost);
      if (!taken.allowed) setResultAndStopExecution({ errors: [rateLimitedError(taken.retryAfterMs)] });
    },
  };
}
