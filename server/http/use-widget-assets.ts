import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import type { Plugin } from 'graphql-yoga';
import type { Database } from '../db/client.ts';
import { organizations, sites } from '../db/tables/index.ts';
import { DEMO_AGENT_ID, DEMO_ORG, DEMO_SITE_NAME, DEMO_SURVEY_KEY } from '../seed.ts';

const bundleDir = new URL('../../dist/widgets/', import.meta.url);
const demoDir = new URL('../../widgets/demo/', import.meta.url);

/** The demo page's own policy: what the widgets promise to work under (issue 4). */
export const DEMO_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

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

const escapeAttribute = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const demoTexts = {
  en: {
    other: 'zh-CN',
    otherName: '中文',
    heading: 'careloop widgets demo',
    article: 'Article: resetting your password',
    survey: 'Survey',
    complaint: 'Complaint',
    answers: 'Where your answers go',
    answersText:
      'Each answer is stored in the demo organization. Open /graphql with the demo API key the server printed on its first start (header Authorization: Bearer sk_…) and run:',
  },
  'zh-CN': {
    other: 'en',
    otherName: 'English',
    heading: 'careloop 组件演示',
    article: '文章:如何重置密码',
    survey: '问卷',
    complaint: '投诉',
    answers: '您的回答去了哪里',
    answersText: '每条回答都保存在演示组织中。用服务器首次启动时打印的演示 API 密钥(请求头 Authorization: Bearer sk_…)打开 /graphql,运行:',
  },
} as const;

/** What the demo page shows a newcomer to find the answers through the API (checked by a test). */
export const DEMO_FEEDBACK_QUERY =
  '{ feedback(first: 10) { totalCount edges { node { kind subject solved reason comment agentRating score locale answers { questionId value } createdAt } } } }';

async function demoSiteKey(db: Database): Promise<string | undefined> {
  const [site] = await db
    .select({ key: sites.publishableKey })
    .from(sites)
    .innerJoin(organizations, eq(organizations.id, sites.orgId))
    .where(and(eq(organizations.slug, DEMO_ORG.slug), eq(sites.name, DEMO_SITE_NAME)))
    .limit(1);
  return site?.key;
}

/** The demo page, with the demo site's key (looked up in the database) put in as attribute values. */
async function demoPage(db: Database, request: Request, url: URL, template: Asset, Response: typeof globalThis.Response): Promise<Response> {
  const lang = url.searchParams.get('lang')?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
  const siteKey = await demoSiteKey(db);
  const script = asset(new URL('careloop.js', bundleDir));
  const values: Record<string, string> = {
    ...demoTexts[lang],
    lang,
    siteKey: siteKey ?? '',
    surveyKey: DEMO_SURVEY_KEY,
    agentId: DEMO_AGENT_ID,
    answersQuery: DEMO_FEEDBACK_QUERY,
    bundle: `/widgets/careloop.js${script ? `?v=${script.etag.slice(1, -1)}` : ''}`,
    notice: siteKey ? '' : 'This database has no demo site (it was created before the widgets existed): create a site with createSite and use its key.',
  };
  const html = new TextDecoder()
    .decode(template.body)
    .replace(/\{\{(\w+)\}\}/g, (_, name: string) => escapeAttribute(values[name] ?? ''));
  return new Response(request.method === 'HEAD' ? null : html, {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': DEMO_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  });
}

/**
 * Serves the widget bundle (/widgets/careloop.js, /widgets/careloop.mjs, built into
 * dist/widgets by `npm run build:widgets`) and the demo page (/ from widgets/demo/, with the demo
 * site's publishable key put in as attribute values server-side: the page has no inline script
 * and is served under a strict Content-Security-Policy).
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

      const bundle = /^\/widgets\/(careloop\.m?js)$/.exec(url.pathname)?.[1];
      if (bundle) {
        const found = asset(new URL(bundle, bundleDir));
        if (!found) {
          return endResponse(new Response('The widget bundle is not built: run `npm run build:widgets`.\n', { status: 404 }));
        }
        // A URL naming the version (?v=<etag>) never changes; the plain one is revalidated daily.
        const versioned = url.searchParams.get('v') === found.etag.slice(1, -1);
        return send(found, 'text/javascript; charset=utf-8', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=86400, must-revalidate', {
          // Module scripts from another origin are fetched with CORS.
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
      return demoPage(db, request, url, template, Response).then(endResponse);
    },
  };
}
