/**
 * The process's log: JSON lines (pino), one object per line, nothing else. Three rules, so that
 * a log can be shipped anywhere without leaking:
 *
 * - Errors are serialized by serializeError, never by pino's default (which copies every
 *   property): a database error keeps its class, SQLSTATE code, constraint and table and its
 *   stack frames, never its message, `query` or `params` (drizzle's DrizzleQueryError message
 *   *is* the SQL plus its parameters; PostgreSQL's messages and details quote values). Other
 *   messages are scrubbed of what looks like a key, token, token hash or email address.
 * - Yoga logs through yogaLogger (a YogaLogger over pino): a refusal the client was meant to get
 *   (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, RATE_LIMITED, …) is an info line
 *   with its code and no stack; a lost database a warn line; anything else an error line with
 *   the stack in `err`. Yoga's own message arguments are kept only when they are strings.
 * - Every line written while a request is handled carries its `requestId`: main.ts runs each
 *   request inside withRequestLog (an AsyncLocalStorage holding a pino child logger), and the
 *   id goes back to the client as `x-request-id`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { YogaLogger } from 'graphql-yoga';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { maskError } from '../http/mask-error.ts';
import { ValidationError } from '../shared/errors.ts';

export type LogLevel = Level | 'silent';

/**
 * JSON lines on `destination`, by default stdout written synchronously (so lines keep their order
 * with the demo-key notice). Tests pass a stream to read the lines.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    { level, serializers: { err: serializeError } },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

// ---------------------------------------------------------------------------------------------
// Errors

export interface SerializedError {
  type: string;
  message?: string;
  /** SQLSTATE, a driver's or node's error code (ECONNREFUSED), or a GraphQL extensions code. */
  code?: string | number;
  /** The GraphQL path (e.g. `createCustomer`) of an error raised while executing. */
  path?: string;
  constraint?: string;
  table?: string;
  /** `Type: message` (or only `Type`) and the stack frames; never the driver's text. */
  stack?: string;
  cause?: SerializedError;
  errors?: SerializedError[];
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
const DATABASE_ERROR_CLASSES = new Set(['DrizzleQueryError', 'PostgresError', 'DatabaseError']);

/**
 * An error from the database or its driver, whose message and properties may carry SQL text or
 * parameters: drizzle's DrizzleQueryError (`query`, `params`), postgres.js's PostgresError
 * (`query`, `parameters`, `detail`), PGlite's DatabaseError (`detail`, `where`).
 */
export function isDatabaseError(error: object): boolean {
  const e = error as Record<string, unknown>;
  if (DATABASE_ERROR_CLASSES.has(error.constructor?.name ?? '') || DATABASE_ERROR_CLASSES.has(String(e.name))) return true;
  if ('query' in e && ('params' in e || 'parameters' in e)) return true;
  return typeof e.code === 'string' && SQLSTATE.test(e.code) && 'severity' in e;
}

const isGraphQLError = (error: unknown): error is GraphQLError =>
  error instanceof GraphQLError || (error instanceof Error && error.name === 'GraphQLError' && 'extensions' in error);

/**
 * Removes from free text what must never be logged even when code puts it in a message: key and
 * token shapes, long hex runs (token hashes), email addresses; text that quotes a query is
 * dropped whole.
 */
export function scrub(text: string): string {
  if (/failed query|\bparams:|\$\d+\b[\s\S]*\$\d+\b|\b(select|insert into|update|delete from)\s+["*(]/i.test(text)) {
    return '[removed: database text]';
  }
  return text
    .replace(/\b(sk|pk)_[A-Za-z0-9_-]{8,}/g, '[key]')
    .replace(/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g, '[token]')
    .replace(/\b[0-9a-f]{32,}\b/gi, '[hash]')
    .replace(/[^\s@"'<>()[\]{},;:]+@[^\s@"'<>()[\]{},;:]+\.[^\s@"'<>()[\]{},;:]+/g, '[email]');
}

const FRAME = /^\s+at /;
const typeOf = (error: object) => {
  const name = error.constructor?.name;
  return name && name !== 'Object' ? name : String((error as { name?: unknown }).name ?? 'Object');
};

/**
 * pino's `err` serializer: the class, a scrubbed message (none for database errors and for the
 * GraphQLError wrapping a resolver's error, whose message is the original's), the codes and the
 * stack frames, then the cause chain (GraphQL's originalError, `cause`, AggregateError's errors).
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (error === null || typeof error !== 'object') {
    return { type: typeof error, ...(typeof error === 'string' ? { message: scrub(error) } : {}) };
  }
  const e = error as Record<string, any>;
  const database = isDatabaseError(error);
  // PGlite's bundle minifies pg-protocol's DatabaseError to a one-letter class.
  const type = database && !/^[A-Za-z]{4,}$/.test(typeOf(error)) ? 'DatabaseError' : typeOf(error);
  const graphql = isGraphQLError(error);
  const inner = graphql ? e.originalError : e.cause;
  const out: SerializedError = { type };
  if (!database && !(graphql && inner) && typeof e.message === 'string' && e.message) out.message = scrub(e.message);
  const code = graphql ? e.extensions?.code : e.code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (graphql && Array.isArray(e.path)) out.path = e.path.join('.');
  if (database) {
    const constraint = e.constraint_name ?? e.constraint;
    const table = e.table_name ?? e.table;
    if (typeof constraint === 'string') out.constraint = constraint;
    if (typeof table === 'string') out.table = table;
  }
  // A GraphQLError wrapping a resolver's error copies that error's stack: logged once, in `cause`.
  if (typeof e.stack === 'string' && !(graphql && inner)) {
    out.stack = [out.message ? `${type}: ${out.message}` : type, ...e.stack.split('\n').filter((line: string) => FRAME.test(line))].join('\n');
  }
  if (depth < 6) {
    if (inner && typeof inner === 'object') out.cause = serializeError(inner, depth + 1);
    if (Array.isArray(e.errors) && !graphql) out.errors = e.errors.slice(0, 5).map((x: unknown) => serializeError(x, depth + 1));
  }
  return out;
}

/**
 * The first code along an error's cause chain (GraphQL's originalError, `cause`, the first of an
 * AggregateError's errors) of an error that `matches`.
 */
function chainCode(error: unknown, matches: (error: Record<string, any>) => boolean): string | undefined {
  for (let e = error as Record<string, any> | undefined, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    if (typeof e.code === 'string' && matches(e)) return e.code;
    if (Array.isArray(e.errors) && e.errors.length) {
      const code = chainCode(e.errors[0], matches);
      if (code) return code;
    }
    e = isGraphQLError(e) ? e.originalError : e.cause;
  }
  return undefined;
}

/** The SQLSTATE of a database error in the chain. */
const sqlState = (error: unknown) => chainCode(error, (e) => isDatabaseError(e) && SQLSTATE.test(e.code));
/** What says the database is unreachable: a socket error, a postgres.js CONNECTION_* or a SQLSTATE. */
const outageCode = (error: unknown) => chainCode(error, (e) => !isGraphQLError(e));

/** The innermost error: what a resolver or hook threw, under GraphQL's wrapping. */
function innermost(error: unknown): unknown {
  let e = error;
  for (let depth = 0; isGraphQLError(e) && e.originalError && depth < 8; depth++) e = e.originalError;
  return e;
}

// ---------------------------------------------------------------------------------------------
// Yoga's logger

/**
 * Refusals the client is meant to get: logged at info, with their code and no stack. Their
 * messages are fixed texts (they name a header, an origin or a field) and are kept for the first
 * group; input-derived ones (validation, not found, conflict) keep only the fields at fault.
 */
const REFUSALS_WITH_MESSAGE = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_ONLY']);
const REFUSALS = new Set([
  ...REFUSALS_WITH_MESSAGE,
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'NOT_FOUND',
  'CONFLICT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
]);

/** What the client saw for an error (server/http/mask-error.ts decides), to log it the same way. */
function clientCode(error: unknown): string | undefined {
  try {
    const masked = maskError(error, 'Unexpected error.');
    const code = (masked as GraphQLError).extensions?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

type LogMethod = 'debug' | 'info' | 'warn' | 'error';

/**
 * Logs one error handed to yoga's logger. Yoga's own error() calls (the errors it masks) are
 * classified: a refusal, an outage or a bug. A plugin's warning with its error attached
 * (use-rate-limits: Redis unavailable) keeps its level and message.
 */
function logError(logger: Logger, method: LogMethod, error: object, text: string | undefined): void {
  if (method !== 'error') {
    logger[method]({ err: error }, text ?? 'error');
    return;
  }
  const code = clientCode(error);
  const inner = innermost(error);
  const errorClass = serializeError(inner, 6).type;
  const path = isGraphQLError(error) && error.path ? error.path.join('.') : undefined;
  if (code && REFUSALS.has(code)) {
    const fields = inner instanceof ValidationError ? inner.issues.map((issue) => issue.path.join('.')) : undefined;
    const message = REFUSALS_WITH_MESSAGE.has(code) && inner instanceof Error ? scrub(inner.message) : undefined;
    logger.info({ code, errorClass, path, fields, reason: message }, text ?? `refused: ${code}`);
    return;
  }
  if (code === 'SERVICE_UNAVAILABLE' || isDatabaseUnavailable(error)) {
    logger.warn({ code: 'SERVICE_UNAVAILABLE', errorClass, dbCode: outageCode(error), path }, text ?? 'database unavailable');
    return;
  }
  const dbCode = sqlState(inner);
  logger.error({ err: error, errorClass, path, ...(dbCode ? { dbCode } : {}) }, text ?? (dbCode ? `database error ${dbCode}` : 'unexpected error'));
}

/**
 * A YogaLogger over pino (yoga's `logging` option): writes to the request's logger while a
 * request is handled, else to `base`. Strings become the message; an Error is classified
 * (logError); other values are not logged, only their type (they may be a request's parameters).
 */
export function yogaLogger(base: Logger): YogaLogger {
  const write =
    (method: LogMethod) =>
    (...args: unknown[]): void => {
      const logger = requestLogger() ?? base;
      if (!logger.isLevelEnabled(method)) return;
      const texts = args.filter((arg): arg is string => typeof arg === 'string');
      const text = texts.length ? scrub(texts.join(' ')) : undefined;
      const error = args.find((arg): arg is object => arg instanceof Error || isGraphQLError(arg));
      if (error) return logError(logger, method, error, text);
      const others = args.filter((arg) => typeof arg !== 'string').map((arg) => (arg === null ? 'null' : typeof arg));
      logger[method](others.length ? { values: others } : {}, text ?? '(no message)');
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

// ---------------------------------------------------------------------------------------------
// Request ids

const requestLogs = new AsyncLocalStorage<Logger>();

/** The logger of the request being handled (a child carrying its requestId), if any. */
export function requestLogger(): Logger | undefined {
  return requestLogs.getStore();
}

export const REQUEST_ID_HEADER = 'x-request-id';
/** A proxy's or client's id is kept when it is this short and plain (no key, token or email fits). */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9.:-]{1,64}$/;

/** The incoming x-request-id when it is short and of safe characters, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined | null): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && ACCEPTED_REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * Runs `handle` (yoga's node handler) with a child of `base` carrying the request id as the
 * logger of every line written meanwhile, sends the id back as x-request-id, and writes one debug
 * line when the response is finished (method, path without the query string, status, duration).
 */
export function withRequestLog(base: Logger, req: IncomingMessage, res: ServerResponse, handle: () => void): void {
  const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  res.setHeader(REQUEST_ID_HEADER, requestId);
  const logger = base.child({ requestId });
  const started = performance.now();
  if (logger.isLevelEnabled('debug')) {
    res.once('close', () => {
      const path = (req.url ?? '').split('?')[0];
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      logger.debug({ method: req.method, path, status: res.statusCode, durationMs, finished: res.writableFinished }, 'request finished');
    });
  }
  requestLogs.run(logger, handle);
}
