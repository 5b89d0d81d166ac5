import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.ts';
import { migrationsFolder } from '../../server/db/migrate.ts';
import type { Relations } from '../../server/db/relations.ts';

// The migration that moved complaint history onto the events table must carry an existing
// deployment's history over, in order, not just drop the old table. (The SQL is the same on
// both engines; PGlite is enough to run it.)
const MOVE = '20261202132748_complaint_history_on_events';
const scratch = mkdtempSync(join(tmpdir(), 'careloop-migration-'));
let handle: DatabaseHandle | undefined;
afterAll(async () => {
  await handle?.close();
  rmSync(scratch, { recursive: true, force: true });
});

// Two migration runs on a fresh PGlite: about 4 s alone, several times that on a loaded machine.
it('moves every complaint_events row onto events, in order, with its visibility', { timeout: 120_000 }, async () => {
  const before = join(scratch, 'before');
  cpSync(migrationsFolder, before, { recursive: true });
  rmSync(join(before, MOVE), { recursive: true });
  handle = await openDatabase({ kind: 'pglite' });
  const db = handle.db as unknown as PgliteDatabase<Relations>;
  await migrate(db, { migrationsFolder: before });

  const org = '00000000-0000-4000-8000-000000000001';
  const site = '00000000-0000-4000-8000-000000000002';
  const complaint = '00000000-0000-4000-8000-000000000003';
  await db.execute(sql`insert into organizations (id, slug, name, created_at) values (${org}, 'o', 'O', '2026-01-01T00:00:00Z')`);
  await db.execute(sql`insert into sites (id, org_id, name, publishable_key, identity_secret, allowed_origins, created_at, updated_at)
    values (${site}, ${org}, 'S', 'pk_1', 'secret', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
  await db.execute(sql`insert into complaints (id, org_id, site_id, reference, tracking_token_hash, category, description, created_at, updated_at)
    values (${complaint}, ${org}, ${site}, 'C-AAAA-BBBB', 'h', 'billing', 'Charged twice for one order', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z')`);
  await db.execute(sql`insert into complaint_events (org_id, complaint_id, type, public, data, created_at) values
    (${org}, ${complaint}, 'note', true, '{"status":"in_progress"}', '2026-01-03T00:00:00Z'),
    (${org}, ${complaint}, 'filed', true, '{"category":"billing"}', '2026-01-02T00:00:00Z'),
    (${org}, ${complaint}, 'assigned', false, '{}', '2026-01-02T12:00:00Z')`);

  await migrate(db, { migrationsFolder });
  const moved = await db.execute<Record<string, unknown>>(sql`
    select type, aggregate_type, aggregate_id, sequence, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as occurred_at, actor_type, actor_id, payload, visibility
    from events order by sequence`);
  expect(moved.rows).toEqual([
    {
      type: 'complaint.filed', aggregate_type: 'complaint', aggregate_id: complaint, sequence: 1,
      occurred_at: '2026-01-02T00:00:00Z', actor_type: 'site', actor_id: site,
      payload: { siteId: site, customerId: null, category: 'billing' }, visibility: 'public',
    },
    {
      type: 'complaint.assigned', aggregate_type: 'complaint', aggregate_id: complaint, sequence: 2,
      occurred_at: '2026-01-02T12:00:00Z', actor_type: 'system', actor_id: 'migration', payload: {}, visibility: 'internal',
    },
    {
      type: 'complaint.note', aggregate_type: 'complaint', aggregate_id: complaint, sequence: 3,
      occurred_at: '2026-01-03T00:00:00Z', actor_type: 'system', actor_id: 'migration',
      payload: { status: 'in_progress' }, visibility: 'public',
    },
  ]);
  const old = await db.execute<{ n: number }>(sql`select count(*)::int as n from pg_tables where tablename = 'complaint_events'`);
  expect(old.rows[0]!.n).toBe(0);
});
