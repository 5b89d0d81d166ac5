import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { perDatabase } from '../db/per-database.ts';
import { sites, type SiteRow } from '../db/tables/index.ts';

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
 * made through this process clear the cache at once (the sites service calls forgetSite);
 * other instances see a rotated key or new origins within SITE_CACHE_TTL_MS.
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
export function forgetSite(db: Database, siteId: string): void {
  const cache = cacheFor(db);
  for (const [key, entry] of cache.entries) if (entry.site?.id === siteId) cache.entries.delete(key);
}
