import { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'drizzle-orm';
import type { PgAsyncDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { relations, type Relations } from './relations.ts';

export type Database = PgAsyncDatabase<PgQueryResultHKT, Relations>;

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  /**
   * `dataDir` undefined means in memory (tests). `loadDataDir` starts from a dumped data
   * directory (the tests' migrated template) instead of running initdb.
   */
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob };

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseTarget['kind'];
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget, logger?: Logger): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') {
    const client = postgres(target.url, {
      max: target.poolSize ?? 10,
      // While the database is unreachable a query waits for its connection's next attempt, and
      // postgres.js spaces attempts out to 10–20 s after a few failures (3^n / 100 s): requests
      // then hang past any client's patience instead of answering 503. At most a second apart
      // (npm run chaos: 16 of 2,293 requests timed out at 10 s during its cut with the default).
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2),
      // A database that drops packets instead of refusing: 5 s per attempt, not 30.
      connect_timeout: 5,
      onnotice: () => {},
      connection: { application_name: 'careloop' },
    });
    const db = drizzlePostgres({ client, relations, logger }) as unknown as Database;
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const client = await PGlite.create({
    ...(target.dataDir ? { dataDir: target.dataDir } : {}),
    ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}),
  });
  const db = drizzlePglite({ client, relations, logger }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}
