/**
 * Loading only what a page uses (issue 13, "Size"), and the localization controller, in Chromium
 * against a real server: a page on another origin under a strict CSP (scripts and connections
 * from the careloop origin only) embeds the one-tag loader; the loader fetches the chunk of each
 * element the page holds, when it appears, from beside itself; zh-CN texts come as chunks of
 * their own, only where a zh-CN element is.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipBrowserTests, startBrowserHarness, type BrowserHarness } from './browser.ts';

let h: BrowserHarness;
let other: Server;
let otherOrigin: string;
const pagesOnOther = new Map<string, string>();

interface Opened {
  page: Page;
  /** The files fetched under /widgets/, by name, in order. */
  widgetFiles: string[];
  errors: string[];
}

/** `body` on the other origin, under its strict CSP, with the loader from the careloop server. */
async function openElsewhere(body: string, { lang = 'en', width = 1280 } = {}): Promise<Opened> {
  const page = await h.context.newPage();
  await page.setViewportSize({ width, height: 800 });
  const widgetFiles: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === h.server.url && url.pathname.startsWith('/widgets/')) widgetFiles.push(url.pathname.slice('/widgets/'.length));
  });
  page.on('console', (message: ConsoleMessage) => message.type() === 'error' && errors.push(message.text()));
  await page.addInitScript(() => {
    const seen: string[] = ((window as any).__cspViolations = []);
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} blocked ${event.blockedURI}`));
  });
  const path = `/page-${Math.random().toString(36).slice(2)}.html`;
  pagesOnOther.set(
    path,
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8" /><title>shop</title>
    <script src="${h.server.url}/widgets/careloop.js" async></script></head>
    <body><main>${body.replaceAll('{{siteKey}}', h.seeded.site.publishableKey)}</main></body></html>`,
  );
  await page.goto(`${otherOrigin}${path}`);
  return { page, widgetFiles, errors };
}

/** The rendered text of an element's shadow root, once it has rendered. */
const textOf = async (page: Page, selector: string) => {
  await page.waitForFunction((selector) => !!document.querySelector(selector)?.shadowRoot?.querySelector('.card'), selector);
  return page.evaluate((selector) => (document.querySelector(selector)!.shadowRoot!.querySelector('.card') as HTMLElement).innerText, selector);
};

const kinds = (files: string[]) => files.map((file) => file.split('.')[0]);

describe.skipIf(skipBrowserTests)('the loader fetches what a page uses, under a strict CSP on another origin', () => {
  beforeAll(async () => {
    h = await startBrowserHarness();
    other = createServer((request, response) => {
      const html = pagesOnOther.get(request.url ?? '');
      response
        .writeHead(html ? 200 : 404, {
          'content-type': 'text/html; charset=utf-8',
          // Only the careloop origin may run scripts or be reached; no inline script, no eval.
          'content-security-policy': `default-src 'none'; script-src ${h.server.url}; connect-src ${h.server.url}; style-src 'self'; base-uri 'none'`,
        })
        .end(html ?? 'not found');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await h?.close();
    await new Promise((resolve) => other?.close(resolve));
  });

  it('a page with only <careloop-did-this-solve> fetches the loader, the common chunk and its own; an element added later brings its chunk', async () => {
    const { page, widgetFiles, errors } = await openElsewhere('<careloop-did-this-solve site-key="{{siteKey}}" subject="article:1"></careloop-did-this-solve>');
    expect(await textOf(page, 'careloop-did-this-solve')).toContain('Did this solve your problem?');
    expect(kinds(widgetFiles).sort()).toEqual(['careloop', 'common', 'did-this-solve']);
    expect(await page.evaluate(() => ['careloop-survey', 'careloop-complaint-form'].map((tag) => !!customElements.get(tag)))).toEqual([false, false]);

    // Added by the page's own code after load: the observer sees it.
    await page.evaluate((key) => {
      const tracker = document.createElement('careloop-complaint-tracker');
      tracker.setAttribute('site-key', key);
      document.querySelector('main')!.append(tracker);
    }, h.seeded.site.publishableKey);
    expect(await textOf(page, 'careloop-complaint-tracker')).toContain('Track my complaint');
    expect(kinds(widgetFiles).sort()).toEqual(['careloop', 'common', 'complaint-tracker', 'did-this-solve']);
    expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('zh-CN: the texts come as a chunk of their own; a change of lang re-renders; zh-TW and zh-HK never read Simplified', async () => {
    const { page, widgetFiles } = await openElsewhere('<careloop-did-this-solve site-key="{{siteKey}}"></careloop-did-this-solve>', { lang: 'zh-CN' });
    expect(await textOf(page, 'careloop-did-this-solve')).toContain('这解决了您的问题吗？');
    expect(kinds(widgetFiles).sort()).toEqual(['careloop', 'common', 'did-this-solve', 'zh-CN']);

    // The page changes its language: the element follows (a MutationObserver on lang).
    await page.evaluate(() => (document.documentElement.lang = 'en'));
    await expect.poll(() => textOf(page, 'careloop-did-this-solve')).toContain('Did this solve your problem?');
    // The closest ancestor's lang wins over the page's; region falls back to language (zh-SG → zh-CN).
    await page.evaluate(() => document.querySelector('main')!.setAttribute('lang', 'zh-SG'));
    await expect.poll(() => textOf(page, 'careloop-did-this-solve')).toContain('这解决了您的问题吗？');
    for (const traditional of ['zh-TW', 'zh-HK', 'zh-Hant']) {
      await page.evaluate((lang) => document.querySelector('main')!.setAttribute('lang', lang), traditional);
      await expect.poll(() => textOf(page, 'careloop-did-this-solve'), { message: traditional }).toContain('Did this solve your problem?');
    }
    // The element's own locale attribute wins over every lang.
    await page.evaluate(() => document.querySelector('careloop-did-this-solve')!.setAttribute('locale', 'zh-CN'));
    await expect.poll(() => textOf(page, 'careloop-did-this-solve')).toContain('这解决了您的问题吗？');
    await page.close();
  });

  it('a page registers a language (and a Traditional Chinese one) without rebuilding; texts it lacks are English', async () => {
    const { page } = await openElsewhere('<careloop-did-this-solve site-key="{{siteKey}}"></careloop-did-this-solve>', { lang: 'fr-CA' });
    expect(await textOf(page, 'careloop-did-this-solve')).toContain('Did this solve your problem?');
    // Through the page's script (here the test's; a page would use a script file of its origin).
    await page.evaluate(() => (window as any).careloop.registerTranslation({ lang: 'fr', solved: 'Cela a-t-il résolu votre problème ?', yes: 'Oui' }));
    await expect.poll(() => textOf(page, 'careloop-did-this-solve')).toMatch(/Cela a-t-il résolu votre problème \?\s*Oui\s*No/);
    await page.evaluate(() => (window as any).careloop.registerTranslation({ lang: 'zh-TW', solved: '這解決了您的問題嗎？', yes: '是', no: '否' }));
    await page.evaluate(() => (document.documentElement.lang = 'zh-HK'));
    await expect.poll(() => textOf(page, 'careloop-did-this-solve')).toContain('這解決了您的問題嗎？');
    await page.close();
  });
});
