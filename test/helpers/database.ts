import { randomBytes } from 'node:crypto';
import type { Logger } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.ts';
import { runMigrations } from '../../server/db/migrate.ts';

/** Which engine this run tests: PostgreSQL when TEST_DATABASE_URL is set, else in-memory PGlite. */
export const testEngine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDatabase extends DatabaseHandle {
  /** Drops the throwaway database (PostgreSQL) or closes PGlite. */
  destroy(): Promise<void>;
}

/**
 * A throwaway, migrated database for one test file: a fresh in-memory PGlite, or a new database
 * on the TEST_DATABASE_URL server, so parallel files never see each other's rows.
 */
export async function createTestDatabase(logger?: Logger): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const handle = await openDatabase({ kind: 'pglite' }, logger);
    await runMigrations(handle);
    return { ...handle, destroy: () => handle.close() };
  }
  const name = `careloop_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 5 }, logger);
  await runMigrations(handle);
  return {
    ...handle,
    destroy: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Counts the SQL statements drizzle sends, for N+1 checks. */
export class StatementCounter implements Logger {
  statements: string[] = [];
  logQuery(query: string): void {
    this.statements.push(query);
  }
  reset(): void {
    this.statements = [];
  }
}
