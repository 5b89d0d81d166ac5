import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrationsFolder } from '../../server/db/migrate.ts';

/**
 * Template databases: the suite migrates once per run (vitest globalSetup) and every test file
 * starts from a copy. Starting a fresh PGlite costs an initdb (4-10 s per file on this 2-core
 * machine, measured); loading a dumped data directory costs about 1 s. On PostgreSQL,
 * `CREATE DATABASE … TEMPLATE` copies the migrated files instead of replaying the migrations.
 *
 * Every template is keyed on a hash of drizzle/ (and the PGlite version for the dump), and a
 * worker checks the hash again before using it: a migration added while a run is going, or by
 * another checkout sharing the PostgreSQL server, never gets a stale template.
 */

/** sha256 over every file of drizzle/ (path and content) and the PGlite version; 16 hex digits. */
export function migrationsHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(`${relative(migrationsFolder, path)}\0`).update(readFileSync(path)).update('\0');
    }
  };
  walk(migrationsFolder);
  const pglite = JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8'));
  hash.update(`pglite@${pglite.version}`);
  return hash.digest('hex').slice(0, 16);
}

/** Migrates a fresh in-memory PGlite and writes its data directory (an uncompressed tar) to `path`. */
export async function writePgliteTemplate(path: string): Promise<void> {
  const client = await PGlite.create({});
  try {
    await migrate(drizzle({ client }), { migrationsFolder });
    // Uncompressed: 41 MB, but loading it skips a gunzip in every test file.
    const dump = await client.dumpDataDir('none');
    const partial = `${path}.${randomBytes(4).toString('hex')}.partial`;
    writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
    renameSync(partial, path);
  } finally {
    await client.close();
  }
}

export const postgresTemplateName = (hash: string) => `careloop_template_${hash}`;

/** How many templates of other migration states to keep on the server (other checkouts may be using them). */
const keepOtherTemplates = 8;

/**
 * Makes sure `careloop_template_<hash>` exists on the server of `adminUrl`, migrated, and
 * accepting no connections (CREATE DATABASE … TEMPLATE fails while any session is connected to
 * the template). It is built under a scratch name and renamed when complete, so a run that
 * finds the name finds a finished template, and two runs building at once do not collide.
 */
export async function ensurePostgresTemplate(adminUrl: string, hash: string): Promise<string> {
  const name = postgresTemplateName(hash);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [existing] = await admin`select 1 from pg_database where datname = ${name}`;
    if (existing) return name;
    const scratch = `careloop_building_${hash}_${randomBytes(4).toString('hex')}`;
    await admin.unsafe(`create database ${scratch}`);
    try {
      const url = new URL(adminUrl);
      url.pathname = `/${scratch}`;
      const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
      try {
        await migratePostgres(drizzlePostgres({ client }), { migrationsFolder });
      } finally {
        await client.end({ timeout: 5 });
      }
      await admin.unsafe(`alter database ${scratch} with allow_connections false`);
      await admin.unsafe(`alter database ${scratch} rename to ${name}`);
    } catch (error) {
      await admin.unsafe(`drop database if exists ${scratch} with (force)`);
      // Another run finished the same template first: use theirs.
      const [raced] = await admin`select 1 from pg_database where datname = ${name}`;
      if (!raced) throw error;
    }
    const stale = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like 'careloop\_template\_%' and datname <> ${name}
      order by oid desc offset ${keepOtherTemplates}`;
    for (const { datname } of stale) await admin.unsafe(`drop database if exists ${datname}`).catch(() => {});
    return name;
  } finally {
    await admin.end({ timeout: 5 });
  }
}
