import { eq, sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import type { Clock } from '../clock/clock.ts';
import type { Database } from '../db/client.ts';
import { perDatabase } from '../db/per-database.ts';
import { apiKeys, type SiteRow } from '../db/tables/index.ts';
import { isPromiseLike } from '../shared/maybe-promise.ts';
import { hashApiKey, looksLikeApiKey } from './api-keys.ts';
import { originAllowed } from './origins.ts';
import { siteByPublishableKey } from './site-lookup.ts';
import { looksLikePublishableKey } from './site-keys.ts';
import { isApiKeyScope, type ApiKeyScope } from './scopes.ts';

/** A widget on a customer's site: publishable key plus an allowed Origin. */
export type SiteCaller = { kind: 'site'; orgId: string; site: SiteRow; origin: string };

export type Caller =
  | { kind: 'apiKey'; orgId: string; keyId: string; scopes: ReadonlySet<ApiKeyScope> }
  | SiteCaller
  | { kind: 'anonymous' };

export const anonymous: Caller = { kind: 'anonymous' };

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

export function forbidden(message: string, status?: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'FORBIDDEN', ...(status ? { http: { status } } : {}) },
  });
}

/** last_used_at is informational: write it at most once a minute per key, not on every request. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const lastUsedWritten = new Map<string, number>();

export const SITE_KEY_HEADER = 'x-careloop-site-key';

/**
 * Is this a widget request: the one answer every plugin asks for, from the resolved caller, not
 * from a header of its own reading. Only once callerOf has resolved it (use-caller.ts does, as
 * the request's parameters arrive, before parsing); asked earlier it is a programming error,
 * and failing loudly beats guessing "not a widget", which would lift the widget rules.
 */
export function isWidgetRequest(request: Request): boolean {
  const caller = callers.get(request);
  if (!caller || isPromiseLike(caller)) throw new Error("isWidgetRequest asked before the request's caller was resolved");
  return caller.kind === 'site';
}

/** The same question where the context (and so the caller) exists, e.g. while executing. */
export const isWidgetCaller = (caller: Caller | undefined): caller is SiteCaller => caller?.kind === 'site';

const callers = new WeakMap<Request, Caller | Promise<Caller>>();

/**
 * Who is calling, resolved once per request and remembered: the context, the plugins and CORS
 * share the answer. A widget whose site is cached is answered without a promise (every widget
 * request resolves its caller); a refusal is thrown then, else the promise rejects with it.
 */
export function callerOf(db: Database, request: Request): Caller | Promise<Caller> {
  const known = callers.get(request);
  if (known) return known;
  const caller = resolveCaller(db, request);
  callers.set(request, caller);
  // Once known, later readers get it without a promise; a refusal stays the promise's to tell.
  if (isPromiseLike(caller)) caller.then((resolved) => callers.set(request, resolved), () => {});
  return caller;
}

function resolveCaller(db: Database, request: Request): Caller | Promise<Caller> {
  const siteKey = request.headers.get(SITE_KEY_HEADER);
  const authorization = request.headers.get('authorization');
  if (siteKey && authorization) {
    throw unauthenticated(`Send either an API key or a site key (${SITE_KEY_HEADER}), not both`);
  }
  if (siteKey !== null) return resolveSiteCaller(db, request, siteKey);
  return resolveApiKeyCaller(db, authorization);
}

/**
 * A widget request: the site key must be known and the Origin one of the site's allowed
 * origins. Refused before the document is parsed, so a wrong origin stores nothing.
 */
function resolveSiteCaller(db: Database, request: Request, key: string): Caller | Promise<Caller> {
  const site = looksLikePublishableKey(key) ? siteByPublishableKey(db, key) : undefined;
  return isPromiseLike(site) ? site.then((found) => siteCaller(found, request)) : siteCaller(site, request);
}

function siteCaller(site: SiteRow | undefined, request: Request): Caller {
  if (!site) throw unauthenticated('Unknown or malformed site key');
  const origin = request.headers.get('origin');
  if (!origin) throw forbidden('Widget requests must come from a browser page: the Origin header is missing', 403);
  if (!originAllowed(origin, site.allowedOrigins)) {
    throw forbidden(`Origin ${origin} is not allowed for this site`, 403);
  }
  return { kind: 'site', orgId: site.orgId, site, origin };
}

/**
 * Every API-key request looks its key up (no cache: a revoked key is refused at once, on every
 * instance), so the statement is built once per database instead of per request: drizzle's
 * query building was most of the lookup's cost (in-process `{ __typename }` with a key:
 * ~950 µs CPU per request against ~345 µs without one; the built select alone ~120-230 µs
 * against ~30-60 µs prepared).
 */
const apiKeyByHash = perDatabase((db) =>
  db
    .select({ id: apiKeys.id, orgId: apiKeys.orgId, scopes: apiKeys.scopes, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, sql.placeholder('keyHash')))
    .limit(1)
    .prepare('api_key_by_hash'),
);

/**
 * Resolves the `Authorization: Bearer sk_…` header. No header means an anonymous caller (some
 * operations are public); a header that is present but malformed, unknown or revoked is refused
 * outright, so a typo never silently downgrades a console to anonymous.
 */
async function resolveApiKeyCaller(db: Database, authorization: string | null): Promise<Caller> {
  if (!authorization) return anonymous;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match || !looksLikeApiKey(match[1]!)) {
    throw unauthenticated('Malformed Authorization header: expected "Bearer sk_…"');
  }
  const [key] = await apiKeyByHash(db).execute({ keyHash: hashApiKey(match[1]!) });
  if (!key) throw unauthenticated('Unknown API key');
  if (key.revokedAt) throw unauthenticated('This API key has been revoked');
  return {
    kind: 'apiKey',
    orgId: key.orgId,
    keyId: key.id,
    scopes: new Set(key.scopes.filter(isApiKeyScope)),
  };
}

/**
 * Records that an API key was used, by the request's clock. Called by the context factory (which
 * has the clock) once the caller is known, rather than while the caller is resolved.
 */
export function touchLastUsed(db: Database, keyId: string, clock: Clock): void {
  const at = clock.now();
  const now = at.getTime();
  if (now - (lastUsedWritten.get(keyId) ?? 0) < LAST_USED_WRITE_INTERVAL_MS) return;
  lastUsedWritten.set(keyId, now);
  // Fire and forget: a failed bookkeeping write must not fail the caller's request.
  db.update(apiKeys)
    .set({ lastUsedAt: at.toISOString() })
    .where(eq(apiKeys.id, keyId))
    .catch(() => lastUsedWritten.delete(keyId));
}
