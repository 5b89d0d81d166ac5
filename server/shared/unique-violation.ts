/**
 * Finds the PostgreSQL unique-violation (23505) behind a driver error. postgres.js throws it
 * directly; PGlite and drizzle wrap it (`cause`), so walk the chain.
 */
export function uniqueViolation(error: unknown): { constraint?: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: string; constraint?: string; constraint_name?: string; cause?: unknown };
    if (e.code === '23505') return { constraint: e.constraint_name ?? e.constraint };
    current = e.cause;
  }
  return undefined;
}
