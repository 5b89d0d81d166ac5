import type { Plugin } from 'graphql-yoga';
import { SITE_KEY_HEADER } from '../auth/caller.ts';

/**
 * `Vary: Origin` on every answer to a site-key request, with or without an Origin. CORS adds it
 * when the request has an Origin; a widget GET without one (a server, a prefetch) would
 * otherwise be cached without it and handed, with no CORS headers, to a browser of an allowed
 * origin. API-key answers never depend on the Origin.
 */
export function useVaryOrigin(): Plugin {
  return {
    onResponse({ request, response }) {
      if (!request.headers.has(SITE_KEY_HEADER)) return;
      const vary = response.headers.get('vary');
      if (!vary) response.headers.set('vary', 'Origin');
      else if (!/(^|,)\s*(origin|\*)\s*(,|$)/i.test(vary)) response.headers.set('vary', `${vary}, Origin`);
    },
  };
}
