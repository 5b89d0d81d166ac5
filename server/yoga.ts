import { createYoga, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import { systemClock, type Clock } from './clock/clock.ts';
import { createContextFactory, type Context } from './context.ts';
import type { DatabaseHandle } from './db/client.ts';
import { useAuthChallenge } from './http/use-auth-challenge.ts';
import { useGraphQLOverHttp } from './http/use-graphql-over-http.ts';
import { useVaryOrigin } from './http/use-vary-origin.ts';
import { corsForRequest } from './http/cors.ts';
import { useCaller } from './http/use-caller.ts';
import { maskError } from './http/mask-error.ts';
import { lazyGraphiQLPage, useGraphiQLHeaders } from './http/graphiql-page.ts';
import { useCompiledWidgetOperations } from './http/use-compiled-widget-operations.ts';
import { useHealth } from './http/use-health.ts';
import { useInFlightRequests } from './http/use-in-flight.ts';
import { useInputChecks } from './http/use-input-checks.ts';
import { usePersistedWidgetOperations } from './http/use-persisted-operations.ts';
import { useOutageAnswers } from './http/use-outage-answers.ts';
import { useQueryLimits } from './http/use-query-limits.ts';
import { useRateLimits, type RateLimitOptions } from './http/use-rate-limits.ts';
import { useRequestSizeLimit } from './http/use-request-size-limit.ts';
import { useWidgetAssets } from './http/use-widget-assets.ts';
import { schema } from './schema.ts';

export interface YogaOptions {
  database: DatabaseHandle;
  /** Business time; the system clock unless a test passes a TestClock. */
  clock?: Clock;
  /** Yoga's logger: the app passes yogaLogger (server/logging/logger.ts) over its pino; tests pass false. */
  logging?: boolean | 'debug' | 'info' | 'warn' | 'error' | YogaLogger;
  graphiql?: boolean;
  /** Rate limits on the public mutations (rate-limiter-flexible); defaults in server/http/use-rate-limits.ts. Tests set small ones. */
  rateLimits?: RateLimitOptions;
  /** How long disposing waits at most for handlers still running (what is left of the server's SHUTDOWN_TIMEOUT_MS). */
  inFlightGraceMs?: number | (() => number);
}

export type CareloopYoga = YogaServerInstance<Record<string, never>, Context>;

const GRAPHQL_ENDPOINT = '/graphql';
const GRAPHIQL_OPTIONS = { title: 'careloop GraphiQL' };
/** Rendered on the first GraphiQL request (9 MB) and shared by every yoga of the process. */
const graphiqlPage = lazyGraphiQLPage(GRAPHIQL_OPTIONS);

export function createCareloopYoga({ database, clock = systemClock, logging = 'warn', graphiql = true, rateLimits, inFlightGraceMs }: YogaOptions): CareloopYoga {
  return createYoga<Record<string, never>, Context>({
    // useRequestSizeLimit is the (stricter) body limit, with yoga's checks of Content-Length.
    maxRequestBodySize: false,
    // No operation takes a file: multipart requests are answered 415 instead of being parsed.
    multipart: false,
    schema,
    context: createContextFactory(database.db, clock),
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    landingPage: false,
    // GraphiQL bundled (server/http/graphiql-page.ts): works offline and under its own CSP.
    graphiql: graphiql ? GRAPHIQL_OPTIONS : false,
    renderGraphiQL: () => graphiqlPage().html,
    cors: corsForRequest(database.db),
    logging,
    maskedErrors: { maskError },
    // In request order: size before parsing, the caller resolved (which every later plugin asks
    // whether the request is a widget's), persisted-only for site keys, query limits while
    // validating, bad input (nesting before parsing, literals while validating, variables
    // before executing: refused without spending a rate-limit point), rate limits once the
    // caller is known and before anything executes, the
    // widget operations compiled (after the rate limiter, which may stop them); the in-flight
    // count last, so that it is disposed of first.
    plugins: [
      useOutageAnswers(),
      useAuthChallenge(),
      useVaryOrigin(),
      ...(graphiql ? [useGraphiQLHeaders(graphiqlPage, GRAPHQL_ENDPOINT)] : []),
      useGraphQLOverHttp(),
      useHealth(database.ping),
      useWidgetAssets(database.db),
      useRequestSizeLimit(),
      useCaller(database.db),
      usePersistedWidgetOperations(),
      useQueryLimits(),
      useInputChecks(),
      useRateLimits(rateLimits),
      useCompiledWidgetOperations(),
      useInFlightRequests(inFlightGraceMs),
    ],
  });
}
