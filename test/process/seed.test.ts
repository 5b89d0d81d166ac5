import { expect } from 'vitest';
import { countActiveKeys, listApiKeys } from '../../server/organizations/organizations.service.ts';
import { organizations } from '../../server/db/tables/index.ts';
import { eq } from 'drizzle-orm';
import { sites } from '../../server/db/tables/index.ts';
import { systemClock } from '../../server/clock/clock.ts';
import { systemTenant } from '../../server/tenant/tenant.ts';
import { demoOrigins, ensureDemoOrigins, seedDemo } from '../../server/demo/seed.ts';
import { test as it } from '../helpers/fixtures.ts';

// The file's database is made in a hook, under hookTimeout as before, not within the first test's time.
it.beforeAll(({ database: _ }) => {});

it('seeds the demo organization and a full-scope key once, on an empty database only', async ({ database }) => {
  const seeded = await seedDemo(database.db);
  expect(seeded?.organization).toMatchObject({ name: 'Demo', slug: 'demo' });
  expect(seeded?.apiKey.key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
  expect(seeded?.apiKey.row.scopes).toEqual(['read', 'write', 'admin']);
  // The demo page's widgets: a site allowing the server's own origins, an active survey, an agent.
  expect(seeded?.site).toMatchObject({ name: 'Demo site', allowedOrigins: ['http://localhost:4000', 'http://127.0.0.1:4000'] });
  expect(seeded?.survey).toMatchObject({ key: 'demo-csat', status: 'active', kind: 'csat' });
  expect(seeded?.agentId).toBe('agent-demo');
  const [stored] = await listApiKeys(systemTenant({ db: database.db, clock: systemClock }, seeded!.organization.id));
  expect(stored!.keyHash).not.toContain(seeded!.apiKey.key.slice(3));

  expect(await seedDemo(database.db)).toBeUndefined();
  expect(await database.db.$count(organizations)).toBe(1);
  expect(await countActiveKeys(systemTenant({ db: database.db, clock: systemClock }, seeded!.organization.id))).toBe(1);
});

it('two instances seeding one empty database at once create one demo organization', async ({ database }) => {
  await database.db.delete(organizations); // empty again (keys cascade)
  const results = await Promise.all([seedDemo(database.db), seedDemo(database.db), seedDemo(database.db)]);
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await database.db.$count(organizations)).toBe(1);
});

it('later starts on other ports replace the demo site\'s earlier server origins, so the list never outgrows its limit', async ({ database }) => {
  // Seeded by the first test of this file.
  const [{ id: siteId }] = await database.db.select({ id: sites.id }).from(sites).where(eq(sites.name, 'Demo site'));
  const originsOf = async () => (await database.db.select().from(sites).where(eq(sites.id, siteId)))[0]!.allowedOrigins;
  await database.db.update(sites).set({ allowedOrigins: [...(await originsOf()), 'https://shop.example.com'] }).where(eq(sites.id, siteId));
  // More restarts than the 50-origin limit would allow if each added its origins.
  for (let port = 5000; port < 5060; port++) await ensureDemoOrigins(database.db, demoOrigins(port, 'demo.local'));
  expect(await originsOf()).toEqual(['https://shop.example.com', 'http://localhost:5059', 'http://127.0.0.1:5059', 'http://demo.local:5059']);
});
