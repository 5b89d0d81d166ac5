import { hash } from 'node:crypto';
import { ConflictError, ValidationError } from '../shared/errors.ts';
import { limits } from '../shared/limits.ts';

/**
 * Nesting the hash follows at most: a submission's own fields plus a JSON value of
 * limits.jsonDepth (which the GraphQL layer and the input schemas already hold it to). Past it
 * the payload is refused, not hashed: a value nested 30,000 deep would run out of stack.
 */
export const MAX_PAYLOAD_DEPTH = limits.jsonDepth * 2;

const tooDeep = () => ValidationError.single(['input'], `must not nest objects and arrays more than ${limits.jsonDepth} deep`);

/**
 * Canonical JSON (sorted keys, undefined members left out), so the same payload always hashes
 * alike. Stored hashes depend on this exact text: any change must keep it byte for byte.
 * Written as loops: it runs on every public submission.
 */
function canonical(value: unknown, depth = 0): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (depth >= MAX_PAYLOAD_DEPTH) throw tooDeep();
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonical(value[i], depth + 1);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonical(member, depth + 1)}`;
    first = false;
  }
  return `${out}}`;
}

/** sha256 of the canonical JSON, base64url (the one-shot crypto.hash: no Hash object per call). */
export function payloadHash(payload: unknown): string {
  return hash('sha256', canonical(payload), 'base64url');
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
