import type { CORSOptions } from 'graphql-yoga';
import { callerOf, isWidgetCaller, SITE_KEY_HEADER, type Caller } from '../auth/caller.ts';
import type { Database } from '../db/client.ts';
import { isPromiseLike } from '../shared/maybe-promise.ts';

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
    // The caller resolved for the request (known by now, without a promise, unless the request
    // was refused before its parameters were read, e.g. as too large): a widget caller's Origin
    // is one of its site's allowed origins, or it would have been refused.
    let caller: Caller | Promise<Caller>;
    try {
      caller = callerOf(db, request);
    } catch {
      return false;
    }
    return isPromiseLike(caller) ? caller.then(forCaller(origin), () => false) : forCaller(origin)(caller);
  };
}

const forCaller =
  (origin: string) =>
  (caller: Caller): CORSOptions =>
    isWidgetCaller(caller) ? widgetCors(origin) : false;
