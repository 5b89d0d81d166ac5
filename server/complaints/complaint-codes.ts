import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Crockford's base32 without 0, 1, I, L, O and U: nothing a person reading a reference over the
 * phone can confuse (0/O, 1/I/L) and no accidental words (U).
 */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const REFERENCE_BODY = new RegExp(`^[${REFERENCE_ALPHABET}]{8}$`);

const format = (body: string) => `C-${body.slice(0, 4)}-${body.slice(4)}`;

/** A fresh public reference, `C-7K2M-9QXD`: 30^8 (about 39 bits), unique per org by index. */
export function randomReference(): string {
  let body = '';
  for (let i = 0; i < 8; i++) body += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return format(body);
}

/**
 * The stored form of a reference a person typed: case and dashes or spaces do not matter, the
 * leading `C` may be left out. Null when it cannot be a reference at all.
 */
export function normalizeReference(typed: string): string | null {
  let body = typed.toUpperCase().replace(/[\s-]/g, '');
  if (body.length === 9 && body.startsWith('C')) body = body.slice(1);
  return REFERENCE_BODY.test(body) ? format(body) : null;
}

const hmac = (secret: string, label: string) => createHmac('sha256', secret).update(label).digest();

/**
 * The tracking token of a complaint: HMAC-SHA256 (256 bits, base64url) keyed with the site's
 * identity secret over the complaint id and the idempotency key. Deterministic, so a genuine
 * retry (same key, same payload) receives the very token it missed, while only its hash is
 * stored and a replayed idempotency key with another payload gets nothing (ConflictError).
 * The id is random and never public, so knowing the key alone does not give the token.
 */
export function trackingTokenFor(identitySecret: string, complaintId: string, idempotencyKey: string): string {
  return hmac(identitySecret, `complaint-tracking:${complaintId}:${idempotencyKey}`).toString('base64url');
}

export function hashTrackingToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A hash no token has, so an unknown reference costs the same comparison as a wrong token. */
const NO_HASH = hashTrackingToken('no complaint has this token');

/** Constant-time check of a presented token against a stored hash (or none). */
export function trackingTokenMatches(token: string, storedHash: string | undefined): boolean {
  const presented = createHash('sha256').update(token).digest();
  const stored = Buffer.from(storedHash ?? NO_HASH, 'base64url');
  return stored.length === presented.length && timingSafeEqual(stored, presented) && storedHash !== undefined;
}

/**
 * What a bot that filled the honeypot receives: a reference and token shaped like real ones,
 * derived from its idempotency key so that a replay looks consistent too. Neither is stored.
 */
export function decoyCodes(identitySecret: string, idempotencyKey: string): { reference: string; trackingToken: string } {
  const digest = hmac(identitySecret, `complaint-decoy:${idempotencyKey}`);
  let body = '';
  for (let i = 0; i < 8; i++) body += REFERENCE_ALPHABET[digest[i]! % REFERENCE_ALPHABET.length];
  return { reference: format(body), trackingToken: hmac(identitySecret, `complaint-decoy-token:${idempotencyKey}`).toString('base64url') };
}
