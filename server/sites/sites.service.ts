import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { isValidOriginRule, normalizeOriginRule } from '../auth/origins.ts';
import { generateIdentitySecret, generatePublishableKey } from '../auth/site-keys.ts';
import type { Database } from '../db/client.ts';
import { perDatabase } from '../db/per-database.ts';
import { sites } from '../db/tables/index.ts';
import { NotFoundError } from '../shared/errors.ts';
import { boundedList, shortText } from '../shared/limits.ts';
import { parseInput } from '../shared/validate.ts';

export type SiteRow = typeof sites.$inferSelect;

const originList = boundedList(
  z
    .string()
    .transform(normalizeOriginRule)
    .refine(isValidOriginRule, 'must be an origin like https://shop.example.com or https://*.example.com'),
  50,
)
  .min(1, 'must name at least one origin')
  .transform((list) => [...new Set(list)]);

const createSiteInput = z.object({ name: shortText(), allowedOrigins: originList });
const updateSiteInput = z.object({ name: shortText().optional(), allowedOrigins: originList.optional() });

export async function createSite(db: Database, orgId: string, raw: unknown): Promise<SiteRow> {
  const input = parseInput(createSiteInput, raw, []);
  const [site] = await db
    .insert(sites)
    .values({
      ...input,
      orgId,
      publishableKey: generatePublishableKey(),
      identitySecret: generateIdentitySecret(),
    })
    .returning();
  return site!;
}

export async function updateSite(db: Database, orgId: string, id: string, raw: unknown): Promise<SiteRow> {
  const input = parseInput(updateSiteInput, raw, ['input']);
  const [site] = await db
    .update(sites)
    .set({ ...input, updatedAt: sql`now()` })
    .where(and(eq(sites.orgId, orgId), eq(sites.id, id)))
    .returning();
  if (!site) throw new NotFoundError('Site', id);
  forgetSite(db, site.id);
  return site;
}

/** New publishable key and identity secret; the old ones stop working at once. */
export async function rotateSiteKeys(db: Database, orgId: string, id: string): Promise<SiteRow> {
  const [site] = await db
    .update(sites)
    .set({
      publishableKey: generatePublishableKey(),
      identitySecret: generateIdentitySecret(),
      keysRotatedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(sites.orgId, orgId), eq(sites.id, id)))
    .returning();
  if (!site) throw new NotFoundError('Site', id);
  forgetSite(db, site.id);
  return site;
}

export function listSites(db: Database, orgId: string): Promise<SiteRow[]> {
  return db.select().from(sites).where(eq(sites.orgId, orgId)).orderBy(desc(sites.createdAt), desc(sites.id));
}

const siteByKey = (db: Database) =>
  db
    .select()
    .from(sites)
    .where(eq(sites.publishableKey, sql.placeholder('key')))
    .limit(1)
    .prepare('site_by_publishable_key');

/**
 * Every widget request looks its site up by key, so sites are cached for a few seconds per
 * process (unknown keys too, so a flood of made-up keys does not reach the database). Changes
 * made through this process clear the cache at once; other instances see a rotated key or new
 * origins within SITE_CACHE_TTL_MS.
 */
export const SITE_CACHE_TTL_MS = 5_000;
const SITE_CACHE_MAX_ENTRIES = 10_000;

interface SiteCache {
  prepared: ReturnType<typeof siteByKey>;
  entries: Map<string, { site: SiteRow | undefined; expiresAt: number }>;
}

const cacheFor = perDatabase<SiteCache>((db) => ({ prepared: siteByKey(db), entries: new Map() }));

/**
 * The site of a publishable key (undefined when no site has it). A fresh cached answer comes
 * back as it is, without a promise: every widget request asks, and nearly always from the cache.
 */
export function siteByPublishableKey(db: Database, key: string): SiteRow | undefined | Promise<SiteRow | undefined> {
  const cache = cacheFor(db);
  const now = Date.now();
  const hit = cache.entries.get(key);
  if (hit && hit.expiresAt > now) return hit.site;
  return cache.prepared.execute({ key }).then(([site]) => {
    if (cache.entries.size >= SITE_CACHE_MAX_ENTRIES) cache.entries.clear();
    cache.entries.set(key, { site, expiresAt: now + SITE_CACHE_TTL_MS });
    return site;
  });
}

/** Drops a changed site from this process's cache, under its old and new keys. */
function forgetSite(db: Database, siteId: string): void {
  const cache = cacheFor(db);
  for (const [key, entry] of cache.entries) if (entry.site?.id === siteId) cache.entries.delete(key);
}
