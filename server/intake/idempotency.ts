import { createHash } from 'node:crypto';
import { ConflictError } from '../shared/errors.ts';

/** Canonical JSON (sorted keys), so the same payload always hashes alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function payloadHash(payload: unknown): string {
  return createHash('sha256').update(canonical(payload)).digest('base64url');
}

/**
 * A replay of an idempotency key: the same payload gets the first result, another payload is
 * a conflict (as in the IETF Idempotency-Key draft).
 */
export function replayOrConflict<T extends { payloadHash: string | null }>(existing: T, hash: string): T {
  if (existing.payloadHash !== hash) {
    throw new ConflictError('This idempotencyKey was already used with a different payload', 'idempotencyKey');
  }
  return existing;
}
