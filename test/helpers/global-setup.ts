import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensurePostgresTemplate, migrationsHash, writePgliteTemplate } from './template.ts';

export interface DatabaseTemplate {
  /** migrationsHash() when the template was built; a worker that computes another one migrates afresh. */
  hash: string;
  engine: 'pglite' | 'postgres';
  /** PGlite: the dumped data directory (a tar file). PostgreSQL: the template database's name. */
  location: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplate: DatabaseTemplate;
  }
}

/** Migrates one template database per run, for the engine this run tests (see template.ts). */
export default async function setup(project: TestProject): Promise<() => void> {
  const hash = migrationsHash();
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    project.provide('databaseTemplate', { hash, engine: 'postgres', location: await ensurePostgresTemplate(adminUrl, hash) });
    return () => {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'careloop-template-'));
  const location = join(dir, `pglite-${hash}.tar`);
  await writePgliteTemplate(location);
  project.provide('databaseTemplate', { hash, engine: 'pglite', location });
  return () => rmSync(dir, { recursive: true, force: true });
}
