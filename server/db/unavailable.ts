/**
 * Whether an error (or any error in its cause chain: drizzle wraps the driver's error in a
 * DrizzleQueryError) means the database cannot be reached, decided by error class, never by
 * message text: node socket errors, postgres.js CONNECTION_* codes, PostgreSQL SQLSTATE class 08
 * (connection exception), 57P01-57P05 (shutdown, crash, cannot connect now, idle timeout), 53300
 * (too many connections) and 3D000 (the database does not exist: dropped, or not yet restored).
 * Tried from outside: with the database dropped under a running server, requests answer 503
 * SERVICE_UNAVAILABLE with Retry-After (3D000 fell through to a masked 500 before it was listed).
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function codeIsUnavailable(code: unknown): boolean {
  if (typeof code !== 'string') return false;
  return SOCKET_CODES.has(code) || code.startsWith('CONNECTION_') || /^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-5]$/.test(code) || code === '53300' || code === '3D000';
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    if (codeIsUnavailable((current as { code?: unknown }).code)) return true;
    // AggregateError (a connect to several addresses) carries its socket errors in `errors`.
    const inner = (current as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner.some((e) => isDatabaseUnavailable(e))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Seconds a caller is asked to wait before retrying during an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;
