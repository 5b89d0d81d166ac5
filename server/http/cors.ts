import type { CORSOptions } from 'graphql-yoga';
import { SITE_KEY_HEADER, siteForRequest } from '../auth/caller.ts';
import { originAllowed } from '../auth/origins.ts';
import type { Database } from '../db/client.ts';
import type { SiteRow } from '../sites/sites.service.ts';

const widgetCors = (origin: string): CORSOptions => ({
  origin: [origin],
  methods: ['GET', 'POST'],
  allowedHeaders: ['content-type', SITE_KEY_HEADER],
  // Widgets never use cookies: no credentials, whatever the origin.
  credentials: false,
  maxAge: 600,
});

/**
 * Per-site CORS. Yoga's default echoes any origin with credentials; here an actual widget
 * request gets CORS headers only when its Origin is one of its site's allowed origins, and
 * API-key requests (servers) get none. A preflight cannot carry the site key's value, so it is
 * answered for any origin without credentials: that alone reveals nothing, and the request that
 * follows is checked (and refused before it runs) against the site.
 */
export function corsForRequest(db: Database) {
  return (request: Request): CORSOptions | Promise<CORSOptions> => {
    const origin = request.headers.get('origin');
    if (!origin) return false;
    if (request.method === 'OPTIONS') return widgetCors(origin);
    if (!request.headers.has(SITE_KEY_HEADER)) return false;
    // The site the context resolved: known by now (no promise) unless the context failed first.
    const site = siteForRequest(db, request);
    return site instanceof Promise ? site.then((found) => forSite(origin, found)) : forSite(origin, site);
  };
}

const forSite = (origin: string, site: SiteRow | undefined): CORSOptions =>
  site && originAllowed(origin, site.allowedOrigins) ? widgetCors(origin) : false;
