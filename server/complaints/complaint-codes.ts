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

/** Crockford's base32: digits and letters without I, L, O and U. */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_BODY = /^[0-9A-HJKMNP-TV-Z]{16}$/;

/** 80 bits as 16 Crockford base32 characters, shown in groups of four: `7K2M-9QXD-4HBT-0WZE`. */
function codeOf(digest: Buffer): string {
  let bits = 0n;
  for (const byte of digest.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let body = '';
  for (let i = 15; i >= 0; i--) body += CODE_ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return body.match(/.{4}/g)!.join('-');
}

/**
 * The canonical body of a tracking code a person typed or pasted: case, spaces and dashes do not
 * matter, and O reads as 0, I and L as 1 (Crockford's rule). Null when it is not a code at all.
 */
export function normalizeTrackingCode(typed: string): string | null {
  const body = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return CODE_BODY.test(body) ? body : null;
}

/**
 * The tracking code of a complaint: HMAC-SHA256 keyed with the site's identity secret over the
 * complaint id and the idempotency key, cut to 80 bits. Deterministic, so a genuine retry (same
 * key, same payload) receives the very code it missed, while only its hash is stored and a
 * replayed idempotency key with another payload gets nothing (ConflictError). The id is random
 * and never public, so knowing the key alone does not give the code. 80 bits behind a
 * rate-limited lookup that also needs the reference: out of reach of guessing, short enough to
 * copy from an email or type from a phone call.
 */
export function trackingTokenFor(identitySecret: string, complaintId: string, idempotencyKey: string): string {
  return codeOf(hmac(identitySecret, `complaint-code:${complaintId}:${idempotencyKey}`));
}

/**
 * The 43-character token (full HMAC, base64url) complaints filed before the 16-character codes
 * received. Their stored hashes are of that token, so it keeps working: a replay of such a filing
 * gets it again, and a lookup accepts it as given (it is not a code, so it is hashed unchanged).
 */
export function legacyTrackingTokenFor(identitySecret: string, complaintId: string, idempotencyKey: string): string {
  return hmac(identitySecret, `complaint-tracking:${complaintId}:${idempotencyKey}`).toString('base64url');
}

/** What is hashed: a code's canonical body, or a legacy token exactly as issued. */
const digestOf = (token: string) => createHash('sha256').update(normalizeTrackingCode(token) ?? token).digest();

export function hashTrackingToken(token: string): string {
  return digestOf(token).toString('base64url');
}

/** A hash no token has, so an unknown reference costs the same comparison as a wrong token. */
const NO_HASH = hashTrackingToken('no complaint has this token');

/** Constant-time check of a presented code (any spelling) or legacy token against a stored hash (or none). */
export function trackingTokenMatches(token: string, storedHash: string | undefined): boolean {
  const presented = digestOf(token);
  const stored = Buffer.from(storedHash ?? NO_HASH, 'base64url');
  return stored.length === presented.length && timingSafeEqual(stored, presented) && storedHash !== undefined;
}

/**
 * What a bot that filled the honeypot receives: a reference and code shaped like real ones,
 * derived from its idempotency key so that a replay looks consistent too. Neither is stored.
 */
export function decoyCodes(identitySecret: string, idempotencyKey: string): { reference: string; trackingToken: string } {
  const digest = hmac(identitySecret, `complaint-decoy:${idempotencyKey}`);
  let body = '';
  for (let i = 0; i < 8; i++) body += REFERENCE_ALPHABET[digest[i]! % REFERENCE_ALPHABET.length];
  return { reference: format(body), trackingToken: codeOf(hmac(identitySecret, `complaint-decoy-token:${idempotencyKey}`)) };
}
