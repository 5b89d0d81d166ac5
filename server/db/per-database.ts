import type { Database } from './client.ts';

/**
 * Makes something once per database and keeps it as long as the database lives: prepared
 * statements of the hot paths, caches. Tests open many databases in one process, so this is
 * keyed by the database rather than module-global.
 */
export function perDatabase<T>(make: (db: Database) => T): (db: Database) => T {
  const made = new WeakMap<Database, T>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) {
      value = make(db);
      made.set(db, value);
    }
    return value;
  };
}
