import { GraphQLError, Kind, getOperationAST, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { isWidgetCaller } from '../auth/caller.ts';
import type { Context } from '../context.ts';
import { clientAddress } from './client-address.ts';
import { createLimiter, KEY_PREFIX, takeAll, type Take, type WindowLimit } from './rate-limiter.ts';

/** The public mutations a widget (site key) calls: what a flood would fill the database with. */
export const RATE_LIMITED_FIELDS: ReadonlySet<string> = new Set([
  'submitSurveyResponse',
  'submitResolutionCheck',
  'fileComplaint',
  'replyToComplaint',
  'confirmComplaintResolution',
]);

/**
 * The public queries a widget calls: each reads the database (and a flood of them would fill
 * the log as fast), so they are limited like the mutations, in buckets of their own (a page
 * view loads a survey; loading must not use up the points a submission needs).
 */
export const RATE_LIMITED_READS: ReadonlySet<string> = new Set(['publicSurvey', 'complaintStatus']);

export const DEFAULT_RATE_LIMITS = {
  /** One person submits a few times a minute at most; 30 at once covers a shared office NAT's burst (1 per second sustained). */
  perIp: { points: 30, duration: 30 },
  /** A busy site's whole audience (20 per second sustained). */
  perSite: { points: 600, duration: 30 },
  /** Public queries from one address: a survey on every page a person (or an office NAT) opens, 4 per second sustained. */
  readPerIp: { points: 120, duration: 30 },
  /** Public queries of one site: page views of a busy site (100 per second sustained). */
  readPerSite: { points: 3_000, duration: 30 },
} as const satisfies Record<string, WindowLimit>;

export interface RateLimitOptions {
  perIp?: WindowLimit;
  perSite?: WindowLimit;
  /** The public queries' buckets (RATE_LIMITED_READS). */
  readPerIp?: WindowLimit;
  readPerSite?: WindowLimit;
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
function limitedFieldCount(
  selectionSet: SelectionSetNode,
  limited: ReadonlySet<string>,
  fragments: Map<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (limited.has(selection.name.value)) count++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += limitedFieldCount(selection.selectionSet, limited, fragments, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) count += limitedFieldCount(fragment.selectionSet, limited, fragments, seen);
    }
  }
  return count;
}

interface Cost {
  /** Rate-limited fields the operation runs, and whether they are the public queries (RATE_LIMITED_READS) or submissions. */
  points: number;
  read: boolean;
}

/** Rate-limited fields per operation: widget documents are persisted, so each is counted once. */
const costs = new WeakMap<OperationDefinitionNode, Cost>();

function operationCost(document: DocumentNode, operationName: string | null | undefined): Cost {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'mutation' && operation?.operation !== 'query') return { points: 0, read: false };
  let cost = costs.get(operation);
  if (cost === undefined) {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const read = operation.operation === 'query';
    cost = { points: limitedFieldCount(operation.selectionSet, read ? RATE_LIMITED_READS : RATE_LIMITED_FIELDS, fragments), read };
    costs.set(operation, cost);
  }
  return cost;
}

export function rateLimitedError(retryAfterMs: number, what = 'submissions'): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GraphQLError(`Too many ${what} from this address or site: try again in ${retryAfter} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfter, http: { status: 429, headers: { 'Retry-After': String(retryAfter) } } },
  });
}

/**
 * Limits per site and per client address on the public mutations and, in buckets of their own,
 * the public queries, for widget callers
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
  const readPerSite = createLimiter(options.readPerSite ?? DEFAULT_RATE_LIMITS.readPerSite, { redis, keyPrefix: `${prefix}:read:site`, timeoutMs: options.redisTimeoutMs, onFallback });
  const readPerIp = createLimiter(options.readPerIp ?? DEFAULT_RATE_LIMITS.readPerIp, { redis, keyPrefix: `${prefix}:read:ip`, timeoutMs: options.redisTimeoutMs, onFallback });

  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as Partial<Context> & { request?: Request };
      if (!isWidgetCaller(context.caller) || !context.request) return;
      const { points, read } = operationCost(args.document, args.operationName);
      if (points === 0) return;

      const takes: Take[] = [{ limiter: read ? readPerSite : perSite, key: context.caller.site.id }];
      const address = clientAddress(context.request, context, trustedProxies);
      if (address) takes.push({ limiter: read ? readPerIp : perIp, key: address });
      const taken = await takeAll(takes, points);
      if (!taken.allowed) setResultAndStopExecution({ errors: [rateLimitedError(taken.retryAfterMs, read ? 'requests' : 'submissions')] });
    },
  };
}
