import type { identityChannels } from '../db/tables/index.ts';

export type IdentityChannel = (typeof identityChannels)[number];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9]{4,20}$/;

/**
 * The canonical form of a channel handle, so "Ann@Example.com " and "ann@example.com" are one
 * identity and "+86 138-0013-8000" matches "+8613800138000". Returns an error message when the
 * value cannot be a handle on that channel.
 */
export function normalizeIdentity(
  channel: IdentityChannel,
  raw: string,
): { value: string } | { error: string } {
  const trimmed = raw.trim();
  if (!trimmed) return { error: 'must not be empty' };
  if (trimmed.length > 254) return { error: 'must be at most 254 characters' };
  switch (channel) {
    case 'email': {
      const value = trimmed.toLowerCase();
      return EMAIL.test(value) ? { value } : { error: 'is not an email address' };
    }
    case 'phone':
    case 'sms': {
      const value = trimmed.replace(/[\s().-]/g, '');
      return PHONE.test(value) ? { value } : { error: 'is not a phone number (digits, optional leading +)' };
    }
    default:
      return { value: trimmed };
  }
}
