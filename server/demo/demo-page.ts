import type { Database } from '../db/client.ts';
import { DEMO_AGENT_ID, DEMO_SURVEY_KEY, demoSite } from './seed.ts';

/** The demo page's own policy: what the widgets promise to work under (issue 4). */
export const DEMO_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

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
    tracker: 'Follow your complaint',
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
    tracker: '跟踪您的投诉',
    answers: '您的回答去了哪里',
    answersText: '每条回答都保存在演示组织中。用服务器首次启动时打印的演示 API 密钥(请求头 Authorization: Bearer sk_…)打开 /graphql,运行:',
  },
} as const;

/** What the demo page shows a newcomer to find the answers through the API (checked by a test). */
export const DEMO_FEEDBACK_QUERY =
  '{ feedback(first: 10) { totalCount edges { node { kind subject solved reason comment agentRating score locale answers { questionKey value } createdAt } } } }';

export interface DemoPageParts {
  /** widgets/demo/index.html, with {{name}} placeholders. */
  template: Uint8Array;
  /** Where the page loads the widget bundle from (versioned by the widget-assets plugin). */
  bundleUrl: string;
}

/**
 * The demo page (/), with the demo site's key (looked up in the database) put in as attribute
 * values server-side: the page has no inline script and is served under DEMO_CSP.
 */
export async function demoPage(db: Database, request: Request, url: URL, { template, bundleUrl }: DemoPageParts, Response: typeof globalThis.Response): Promise<Response> {
  const lang = url.searchParams.get('lang')?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
  const siteKey = (await demoSite(db))?.publishableKey;
  const values: Record<string, string> = {
    ...demoTexts[lang],
    lang,
    siteKey: siteKey ?? '',
    surveyKey: DEMO_SURVEY_KEY,
    agentId: DEMO_AGENT_ID,
    answersQuery: DEMO_FEEDBACK_QUERY,
    bundle: bundleUrl,
    notice: siteKey ? '' : 'This database has no demo site (it was created before the widgets existed): create a site with createSite and use its key.',
  };
  const html = new TextDecoder().decode(template).replace(/\{\{(\w+)\}\}/g, (_, name: string) => escapeAttribute(values[name] ?? ''));
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
