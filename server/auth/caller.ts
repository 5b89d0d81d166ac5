import { eq, sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import type { Database } from '../db/client.ts';
import { apiKeys } from '../db/tables/index.ts';
import { hashApiKey, looksLikeApiKey } from './api-keys.ts';
import { isApiKeyScope, type ApiKeyScope } from './scopes.ts';

export type Caller =
  | { kind: 'apiKey'; orgId: string; keyId: string; scopes: ReadonlySet<ApiKeyScope> }
  | { kind: 'anonymous' };

export const anonymous: Caller = { kind: 'anonymous' };

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/** last_used_at is informational: write it at most once a minute per key, not on every request. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const lastUsedWritten = new Map<string, number>();

/**
 * Resolves the `Authorization: Bearer sk_…` header. No header means an anonymous caller (some
 * operations are public); a header that is present but malformed, unknown or revoked is refused
 * outright, so a typo never silently downgrades a console to anonymous.
 */
export async function resolveCaller(db: Database, authorization: string | null): Promise<Caller> {
  if (!authorization) return anonymous;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match || !looksLikeApiKey(match[1]!)) {
    throw unauthenticated('Malformed Authorization header: expected "Bearer sk_…"');
  }
  const [key] = await db
    .select({ id: apiKeys.id, orgId: apiKeys.orgId, scopes: apiKeys.scopes, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, hashApiKey(match[1]!)))
    .limit(1);
  if (!key) throw unauthenticated('Unknown API key');
  if (key.revokedAt) throw unauthenticated('This API key has been revoked');
  touchLastUsed(db, key.id);
  return {
    kind: 'apiKey',
    orgId: key.orgId,
    keyId: key.id,
    scopes: new Set(key.scopes.filter(isApiKeyScope)),
  };
}

function touchLastUsed(db: Database, keyId: string): void {
  const now = Date.now();
  if (now - (lastUsedWritten.get(keyId) ?? 0) < LAST_USED_WRITE_INTERVAL_MS) return;
  lastUsedWritten.set(keyId, now);
  // Fire and forget: a failed bookkeeping write must not fail the caller's request.
  db.update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(eq(apiKeys.id, keyId))
    .catch(() => lastUsedWritten.delete(keyId));
}
