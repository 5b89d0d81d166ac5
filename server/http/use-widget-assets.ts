import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Plugin } from 'graphql-yoga';
import type { Database } from '../db/client.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { outageResponse } from './use-outage-answers.ts';
import { demoPage } from '../demo/demo-page.ts';

const bundleDir = new URL('../../dist/widgets/', import.meta.url);
const demoDir = new URL('../../widgets/demo/', import.meta.url);

interface Asset {
  mtimeMs: number;
  body: Buffer<ArrayBuffer>;
  etag: string;
}

const assets = new Map<string, Asset>();

/** A file with its ETag, re-read when it changes on disk (a rebuild while the server runs). */
function asset(url: URL): Asset | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(url).mtimeMs;
  } catch {
    return undefined;
  }
  const cached = assets.get(url.href);
  if (cached?.mtimeMs === mtimeMs) return cached;
  const body = readFileSync(url) as Buffer<ArrayBuffer>;
  const fresh = { mtimeMs, body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 20)}"` };
  assets.set(url.href, fresh);
  return fresh;
}

/**
 * Serves the widget loader (/widgets/careloop.js, /widgets/careloop.mjs) and its chunks (built into
 * dist/widgets by `npm run build:widgets`) and the demo page (/ from widgets/demo/; what it
 * shows is server/demo/demo-page.ts's).
 */
export function useWidgetAssets(db: Database): Plugin {
  return {
    // Not async: a promise from this hook would make every later hook of every request (the
    // GraphQL POSTs included) wait for a microtask; only the demo page waits for the database.
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const { Response } = fetchAPI;
      const send = (found: Asset, type: string, cacheControl: string, extra: Record<string, string> = {}) => {
        const headers: Record<string, string> = { etag: found.etag, 'cache-control': cacheControl, 'x-content-type-options': 'nosniff', ...extra };
        const fresh = request.headers.get('if-none-match')?.split(/\s*,\s*/).includes(found.etag);
        if (fresh) return endResponse(new Response(null, { status: 304, headers }));
        headers['content-type'] = type;
        endResponse(new Response(request.method === 'HEAD' ? null : found.body, { headers }));
      };

      // The loader (careloop.js, careloop.mjs) and the chunks it fetches, named by their content's hash.
      const bundle = /^\/widgets\/(careloop\.m?js|[\w-]+\.[\w-]{6}\.js)$/.exec(url.pathname)?.[1];
      if (bundle) {
        const found = asset(new URL(bundle, bundleDir));
        if (!found) {
          return endResponse(new Response('The widget bundle is not built: run `npm run build:widgets`.\n', { status: 404 }));
        }
        // A chunk's name changes with its content, as does a URL naming the loader's version
        // (?v=<etag>): those never change. The plain loader is revalidated after 5 minutes, and names the
        // chunks of its own build, so a rebuild reaches pages within minutes.
        const immutable = !bundle.startsWith('careloop.') || url.searchParams.get('v') === found.etag.slice(1, -1);
        return send(found, 'text/javascript; charset=utf-8', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300, must-revalidate', {
          // Module scripts (careloop.mjs and every chunk) from another origin are fetched with CORS.
          'access-control-allow-origin': '*',
          'cross-origin-resource-policy': 'cross-origin',
        });
      }
      if (url.pathname === '/widgets/demo.css') {
        const found = asset(new URL('demo.css', demoDir));
        if (found) send(found, 'text/css; charset=utf-8', 'no-cache');
        return;
      }
      if (url.pathname !== '/') return;

      const template = asset(new URL('index.html', demoDir));
      if (!template) return;
      const script = asset(new URL('careloop.js', bundleDir));
      const bundleUrl = `/widgets/careloop.js${script ? `?v=${script.etag.slice(1, -1)}` : ''}`;
      // An onRequest hook's rejection escapes the request handler (and its stack would be the answer).
      return demoPage(db, request, url, { template: template.body, bundleUrl }, Response).then(endResponse, (error: unknown) => {
        if (!isDatabaseUnavailable(error)) throw error;
        endResponse(outageResponse(Response));
      });
    },
  };
}
