import { errors, jwtVerify } from 'jose';

/** At most this far ahead: a leaked token is useless within a day (as Intercom's JWTs). */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
const CLOCK_TOLERANCE_SECONDS = 60;

export interface CustomerClaims {
  externalId: string;
  name?: string;
  email?: string;
}

export class InvalidCustomerToken extends Error {}

/**
 * Verifies a customer token: a JWT signed HS256 by the company's backend with the site's
 * identity secret, `sub` = the customer's externalId, `exp` required and at most 24 h ahead.
 * Any failure is an InvalidCustomerToken with a reason; it never degrades to anonymous.
 * Expiry is judged against `now`, the request's clock, like every other business time.
 */
export async function verifyCustomerToken(token: string, secret: string, now: Date): Promise<CustomerClaims> {
  if (token.length > 4096) throw new InvalidCustomerToken('customer token is too long');
  let payload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
    }));
  } catch (error) {
    throw new InvalidCustomerToken(describe(error));
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (payload.exp! > nowSeconds + MAX_TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) {
    throw new InvalidCustomerToken('customer token expires more than 24 hours ahead');
  }
  const sub = payload.sub!.trim();
  if (!sub || sub.length > 200) throw new InvalidCustomerToken('customer token sub must be 1–200 characters');
  const text = (value: unknown, max: number) =>
    typeof value === 'string' && value.trim() && value.length <= max ? value.trim() : undefined;
  return { externalId: sub, name: text(payload.name, 200), email: text(payload.email, 254) };
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'customer token has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'customer token signature is invalid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'customer token must be signed with HS256';
  if (error instanceof errors.JWTClaimValidationFailed) return `customer token claim "${error.claim}" is missing or invalid`;
  return 'customer token is malformed';
}
