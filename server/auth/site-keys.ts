import { randomBytes } from 'node:crypto';

const PUBLISHABLE_KEY = /^pk_[A-Za-z0-9_-]{24}$/;

export function generatePublishableKey(): string {
  return `pk_${randomBytes(18).toString('base64url')}`;
}

/** 256-bit secret for HS256 customer tokens. */
export function generateIdentitySecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function looksLikePublishableKey(value: string): boolean {
  return PUBLISHABLE_KEY.test(value);
}
