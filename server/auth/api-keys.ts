import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'sk_';
/** `sk_` + 43 base64url characters (32 random bytes). */
const KEY_PATTERN = /^sk_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, 10), hash: hashApiKey(key) };
}

/** Keys carry 256 random bits, so a fast unsalted hash is enough and lets us look them up by it. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}
