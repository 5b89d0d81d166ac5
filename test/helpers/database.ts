import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'drizzle-orm';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.ts';
import { runMigrations } from '../../server/db/migrate.ts';
import type { DatabaseTemplate } from './global-setup.ts';
import { migrationsHash } from './template.ts';

/** Which engine this run tests: PostgreSQL when TEST_DATABASE_URL is set, else in-memory PGlite. */
export const testEngine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDatabase extends DatabaseHandle {
  /** Drops the throwaway database (PostgreSQL) or closes PGlite. */
  destroy(): Promise<void>;
}

/**
 * The run's migrated template (test/helpers/global-setup.ts) when it matches drizzle/ as it is
 * now and this run's engine; undefined means: migrate afresh (a migration changed mid-run, or
 * the file runs without the project's globalSetup).
 */
function usableTemplate(): DatabaseTemplate | undefined {
  let template: DatabaseTemplate | undefined;
  try {
    template = inject('databaseTemplate');
  } catch {
    return undefined;
  }
  if (!template || template.engine !== testEngine || template.hash !== migrationsHash()) return undefined;
  return template;
}

/**
 * A throwaway, migrated database for one test file: an in-memory PGlite, or a new database on
 * the TEST_DATABASE_URL server, so parallel files never see each other's rows. Both start from
 * the run's template copy when there is one (see template.ts), else they are migrated here.
 */
export async function createTestDatabase(logger?: Logger): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  const template = usableTemplate();
  if (!adminUrl) {
    const loadDataDir = template ? new Blob([readFileSync(template.location)]) : undefined;
    const handle = await openDatabase({ kind: 'pglite', loadDataDir }, logger);
    if (!template) await runMigrations(handle);
    return { ...handle, destroy: () => handle.close() };
  }
  const name = `careloop_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(template ? `create database ${name} template ${template.location}` : `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 5 }, logger);
  if (!template) await runMigrations(handle);
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
