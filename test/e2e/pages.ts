/** Pages of the browser tests' own making, on the real server's origin, with the real bundle. */
import type { Locator, Page } from 'playwright-core';
import type { BrowserHarness } from './browser.ts';

let served = 0;

export interface TestPageOptions {
  /** The page's `lang`. Default: en. */
  lang?: string;
  /** CSS put in the page's <style>. */
  style?: string;
}

/**
 * Opens a page of the given body at a fresh path on the server's origin (an allowed origin of
 * the demo site), answered by the browser itself: no CSP, so a test can bring its own style.
 * The bundle is the real /widgets/careloop.js the server serves. `{{siteKey}}` in the body is
 * the demo site's publishable key.
 */
export async function openTestPage(h: BrowserHarness, body: string, options: TestPageOptions = {}): Promise<Page> {
  const page = await h.context.newPage();
  const url = `${h.server.url}/e2e/page-${++served}.html`;
  await routeTestPage(page, url, h, body, options);
  await page.goto(url);
  return page;
}

/** Answers `url` with a test page on this page (also after reloads). */
export async function routeTestPage(page: Page, url: string, h: BrowserHarness, body: string, { lang = 'en', style = '' }: TestPageOptions = {}) {
  const html = `<!doctype html>
<html lang="${lang}">
  <head>
    <meta charset="utf-8" />
    <title>careloop browser test</title>
    <style>${style}</style>
    <script src="/widgets/careloop.js" defer></script>
  </head>
  <body>
    <main>${body.replaceAll('{{siteKey}}', h.seeded.site.publishableKey)}</main>
  </body>
</html>`;
  await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
}

/** Resolves with the detail of the first `type` event the element fires from now on. */
export function nextEvent<T = any>(element: Locator, type: string): Promise<T> {
  return element.evaluate(
    (el, type) => new Promise((resolve) => el.addEventListener(type, (e) => resolve((e as CustomEvent).detail), { once: true })),
    type,
  ) as Promise<T>;
}

/** Records every careloop-* event an element fires, readable later with `events(element)`. */
export async function recordEvents(element: Locator): Promise<void> {
  await element.evaluate((el) => {
    const seen: { type: string; detail: unknown }[] = ((el as any).__events = []);
    for (const type of ['careloop-submitted', 'careloop-queued', 'careloop-error']) {
      el.addEventListener(type, (e) => seen.push({ type, detail: (e as CustomEvent).detail }));
    }
  });
}

export const recordedEvents = (element: Locator): Promise<{ type: string; detail: any }[]> => element.evaluate((el) => (el as any).__events);

/** An active survey of one optional 1–5 rating, in en and zh-CN, made through the API. */
export async function createTestSurvey(h: BrowserHarness, key: string): Promise<void> {
  const both = (en: string, zh: string) => [
    { locale: 'en', text: en },
    { locale: 'zh-CN', text: zh },
  ];
  const created = await h.api(
    `mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { __typename ... on Error { message } } }`,
    {
      input: {
        key,
        kind: 'CSAT',
        status: 'ACTIVE',
        title: both(`Survey ${key}`, `问卷 ${key}`),
        questions: [{ key: 'score', type: 'RATING', labels: both('How satisfied are you?', '您的满意度如何?') }],
      },
    },
  );
  if (created.createSurvey.__typename !== 'MutationCreateSurveySuccess') throw new Error(JSON.stringify(created));
}
