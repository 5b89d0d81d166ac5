import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

type RenderGraphiQL = typeof import('@graphql-yoga/render-graphiql').renderGraphiQL;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export interface GraphiQLPage {
  /** The page (rendered once): @graphql-yoga/render-graphiql's, GraphiQL bundled in it. */
  html: string;
  /** The policy it is sent with. */
  contentSecurityPolicy: string;
}

/**
 * GraphiQL from the installed @graphql-yoga/render-graphiql, not yoga's default page (every asset
 * from unpkg.com). The page is self-contained: one inline <style>, one inline <script> with the
 * bundle, the editor's web workers made from blob: URLs of strings in that script, the favicon a
 * data: URL. Nothing is fetched but the GraphQL endpoint.
 *
 * Its CSP (checked in Chromium by test/e2e/graphiql.browser.test.ts: no violation) allows:
 * - scripts: only the page's one inline script, by its SHA-256 hash (computed here from the page
 *   exactly as served), not 'unsafe-inline', no eval. The page is the same for every request,
 *   so a hash is as tight as a nonce and needs no per-request rendering of a 9 MB page.
 * - styles: 'unsafe-inline'. The bundled Monaco editor adds <style> elements of its own (its
 *   icons, its theme) without a nonce, and renders every editor line through innerHTML with
 *   style="…" attributes; neither can be allowed by a nonce or a hash, and blocking them leaves
 *   the editor without icons or layout. CSS cannot run script, and with every fetch directive
 *   but data: (fonts, images) and 'self' (connect) closed it has no way to send anything out.
 * - fonts and images: data: only (the bundle's icon font and the favicon); workers: blob: only
 *   (the editor's three workers, made from strings in the script); connect: 'self' (the
 *   GraphQL endpoint); nothing else (default-src 'none'), no <base>, no form posts, and no
 *   framing (frame-ancestors 'none').
 */
export function graphiqlPage(options: GraphiQLOptions): GraphiQLPage {
  // Loaded here, not imported: the package is 9 MB of strings (half a second to load), which a
  // process or test that never shows GraphiQL should not pay for.
  const { renderGraphiQL } = createRequire(import.meta.url)('@graphql-yoga/render-graphiql') as { renderGraphiQL: RenderGraphiQL };
  const html = renderGraphiQL(options);
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => sha256(match[1]!));
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${scripts.join(' ')}`,
    "style-src 'unsafe-inline'",
    'font-src data:',
    'worker-src blob:',
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

/** graphiqlPage(options), made on first call (the first GraphiQL request): about 0.3 s once. */
export function lazyGraphiQLPage(options: GraphiQLOptions): () => GraphiQLPage {
  let page: GraphiQLPage | undefined;
  return () => (page ??= graphiqlPage(options));
}

/**
 * The GraphiQL answer (GET of the GraphQL endpoint asking for HTML) gets the page's CSP and
 * `X-Content-Type-Options: nosniff`.
 */
export function useGraphiQLHeaders(page: () => GraphiQLPage, graphqlEndpoint: string): Plugin {
  return {
    onResponse({ request, response }) {
      if (request.method !== 'GET' || !response.headers.get('content-type')?.startsWith('text/html')) return;
      if (new URL(request.url).pathname.replace(/\/$/, '') !== graphqlEndpoint) return;
      response.headers.set('content-security-policy', page().contentSecurityPolicy);
      response.headers.set('x-content-type-options', 'nosniff');
    },
  };
}
