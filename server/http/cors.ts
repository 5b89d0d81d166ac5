import type { CORSOptions } from 'graphql-yoga';
import { callerOf, isWidgetCaller, SITE_KEY_HEADER, type Caller } from '../auth/caller.ts';
import type { Database } from '../db/client.ts';
import { isPromiseLike } from '../shared/maybe-promise.ts';

/**
 * CORS for the request's own Origin, once corsForRequest has decided that the page may read the
 * answer. `['*']` makes @whatwg-node's CORS echo the request's Origin (never `*`) and send
 * `Vary: Origin`, which every such answer needs: it depends on the Origin, and a cache (a GET
 * persisted query is cacheable) must not hand one origin's answer to another.
 */
const widgetCors: CORSOptions = {
  origin: ['*'],
  methods: ['GET', 'POST'],
  allowedHeaders: ['content-type', SITE_KEY_HEADER],
  // Widgets never use cookies: no credentials, whatever the origin.
  credentials: false,
  maxAge: 600,
};

/**
 * Per-site CORS. Yoga's default echoes any origin with credentials; here a widget request gets
 * CORS headers when its Origin is one of its site's allowed origins, and API-key requests
 * (servers) get none. A preflight cannot carry the site key's value, so it is answered for any
 * origin without credentials: that alone reveals nothing, and the request that follows is
 * checked (and refused before it runs) against the site.
 *
 * A widget request that is refused (an unknown or mistyped site key: 401; an origin the site
 * does not allow: 403; or the site lookup failing: 503) gets CORS headers for its Origin too,
 * still without credentials: otherwise the browser hides the answer and the widget sees only
 * "Failed to fetch", which it must take for a network error and retry forever. The refusal's
 * JSON says what is wrong and nothing the page could not know (the key is in the page).
 */
export function corsForRequest(db: Database) {
  return (request: Request): CORSOptions | Promise<CORSOptions> => {
    if (!request.headers.get('origin')) return false;
    if (request.method === 'OPTIONS') return widgetCors;
    // A refused request has no caller to ask; the site-key header alone says a widget sent it.
    const refused = (): CORSOptions => request.headers.get(SITE_KEY_HEADER) !== null && widgetCors;
    // The caller resolved for the request (known by now, without a promise, unless the request
    // was refused before its parameters were read, e.g. as too large): a widget caller's Origin
    // is one of its site's allowed origins, or it would have been refused.
    let caller: Caller | Promise<Caller>;
    try {
      caller = callerOf(db, request);
    } catch {
      return refused();
    }
    return isPromiseLike(caller) ? caller.then(forCaller, refused) : forCaller(caller);
  };
}

const forCaller = (caller: Caller): CORSOptions => isWidgetCaller(caller) && widgetCors;
