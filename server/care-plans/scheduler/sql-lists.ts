import { sql, type SQL } from 'drizzle-orm';

/**
 * A typed array literal of parameters. drizzle expands a JS array inside `sql` into a list
 * `($1, $2)`, which `= any(...)` and `&&` cannot take; both drivers take `array[$1, $2]::type[]`.
 */
export function arrayOf(values: readonly string[], type: 'text' | 'uuid' | 'customer_tier' | 'lifecycle_stage'): SQL {
  if (!values.length) return sql.raw(`'{}'::${type}[]`);
  return sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::${sql.raw(type)}[]`;
}

/** Rows of `tx.execute`: postgres.js returns an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
