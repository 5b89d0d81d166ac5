/**
 * The two most common embedding mistakes, in Chromium against a real server: a mistyped site
 * key, and a page on an origin the site does not allow. The refusal is final: the person reads
 * that the form cannot send (never "saved"), nothing is queued, and the page's console says once
 * what is wrong and how to fix it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipBrowserTests, startBrowserHarness, type BrowserHarness } from './browser.ts';
import { recordedEvents, recordEvents } from './pages.ts';

let h: BrowserHarness;

const CANNOT_SEND = { en: 'This form cannot send from this website; nothing was sent.', 'zh-CN': '此表单无法在本网站提交，内容未发送。' };
const UNKNOWN_KEY = `pk_${'Wrong'.repeat(5)}Key1`;
/**
 * A second web server on loopback, for pages on an origin the demo site does not allow (it
 * allows the careloop server's own port only). A real one: Chromium lets only a page that is
 * itself on loopback reach a loopback server, and one answered by page.route is not.
 */
let other: Server;
let otherOrigin: string;
const pagesOnOther = new Map<string, string>();

const pendingCount = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('careloop:pending') ?? '[]').length);
const feedbackOn = async (subject: string) =>
  (await h.api(`query($subject: String!) { feedback(first: 10, filter: { subject: $subject }) { totalCount } }`, { subject })).feedback.totalCount;

/**
 * Opens `body` at `origin` (the server's own, or another one answered by the browser itself),
 * with the real bundle from the server; records the page's console errors.
 */
async function openAt(origin: string, body: string, lang = 'en'): Promise<{ page: Page; errors: string[] }> {
  const page = await h.context.newPage();
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => message.type() === 'error' && errors.push(message.text()));
  const url = `${origin}/e2e/embed-${Math.random().toString(36).slice(2)}.html`;
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8" /><title>embed</title>
    <script src="${h.server.url}/widgets/careloop.js" defer></script></head>
    <body><main>${body.replaceAll('{{siteKey}}', h.seeded.site.publishableKey)}</main></body></html>`;
  if (origin === otherOrigin) pagesOnOther.set(new URL(url).pathname, html);
  else await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(url);
  return { page, errors };
}

/** Only careloop's own lines: Chromium also logs each failed request ("Failed to load resource"). */
const careloopLines = (errors: string[]) => errors.filter((line) => line.startsWith('careloop:'));

describe.skipIf(skipBrowserTests)('a wrongly embedded widget says it cannot send, never "saved"', () => {
  beforeAll(async () => {
    h = await startBrowserHarness();
    other = createServer((request, response) => {
      const html = pagesOnOther.get(request.url ?? '');
      response.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(html ?? 'not found');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await new Promise((resolve) => other?.close(resolve));
  });

  it('a mistyped site key: did-this-solve says it cannot send (en and zh-CN), queues nothing, and the console names the key as the cause', async () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const subject = `test:wrong-key-${lang}`;
      const { page, errors } = await openAt(
        h.server.url,
        `<careloop-did-this-solve site-key="${UNKNOWN_KEY}" subject="${subject}"></careloop-did-this-solve>`,
        lang,
      );
      const widget = page.locator('careloop-did-this-solve');
      await recordEvents(widget);
      await widget.getByRole('button').first().click();
      const status = widget.getByRole('status');
      await expect.poll(() => status.textContent(), { message: lang }).toBe(CANNOT_SEND[lang]);
      expect(await status.getAttribute('class')).toBe('status error');
      // Announced where focus went (the live region), as every outcome of a send is.
      expect(await page.evaluate(() => document.querySelector('careloop-did-this-solve')!.shadowRoot!.activeElement?.getAttribute('role'))).toBe('status');
      expect(await recordedEvents(widget)).toEqual([
        { type: 'careloop-error', detail: { kind: 'resolution_check', message: 'Unknown or malformed site key' } },
      ]);
      expect(await pendingCount(page)).toBe(0);
      // The console line is written by a chunk fetched on the first refusal: it may come after the status.
      await expect.poll(() => careloopLines(errors)).toEqual([
        "careloop: Unknown or malformed site key (UNAUTHENTICATED); site-key must be the site's publishable key (pk_…)",
      ]);
      expect(await feedbackOn(subject)).toBe(0);
      await page.close();
    }
  });

  it('a page on an origin the site does not allow: every widget says so, nothing is queued, one console line names the origin and the fix', async () => {
    const subject = 'test:other-origin';
    const { page, errors } = await openAt(
      otherOrigin,
      `<careloop-did-this-solve site-key="{{siteKey}}" subject="${subject}"></careloop-did-this-solve>
       <careloop-survey site-key="{{siteKey}}" survey="demo-csat" inline></careloop-survey>
       <careloop-complaint-form site-key="{{siteKey}}"></careloop-complaint-form>`,
    );
    const survey = page.locator('careloop-survey');
    // The survey cannot even be loaded: it is "not available", not "Failed to fetch".
    await expect.poll(() => survey.getByRole('status').textContent()).toBe('This survey is not available.');
    expect(await survey.locator('form').count()).toBe(0);

    const widget = page.locator('careloop-did-this-solve');
    await recordEvents(widget);
    await widget.getByRole('button', { name: 'Yes' }).click();
    await expect.poll(() => widget.getByRole('status').textContent()).toBe(CANNOT_SEND.en);
    expect(await recordedEvents(widget)).toEqual([
      { type: 'careloop-error', detail: { kind: 'resolution_check', message: `Origin ${otherOrigin} is not allowed for this site` } },
    ]);

    const form = page.locator('careloop-complaint-form');
    await recordEvents(form);
    await form.getByLabel('What happened?').fill('The parcel never arrived at all.');
    await page.waitForTimeout(2100); // the minimum time-to-submit
    await form.getByRole('button', { name: 'File complaint' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe(CANNOT_SEND.en);
    expect((await recordedEvents(form)).map((e) => e.type)).toEqual(['careloop-error']);

    expect(await pendingCount(page)).toBe(0);
    // Three refusals of one cause: one line.
    await expect.poll(() => careloopLines(errors)).toEqual([
      `careloop: Origin ${otherOrigin} is not allowed for this site (FORBIDDEN); add ${otherOrigin} to the site's allowedOrigins`,
    ]);
    expect(await feedbackOn(subject)).toBe(0);
    await page.close();
  });

  it('an answer queued while offline that meets a refusal once back online is dropped, and the widget says it cannot send', async () => {
    const { page, errors } = await openAt(h.server.url, `<careloop-did-this-solve site-key="${UNKNOWN_KEY}" subject="test:queued-then-refused"></careloop-did-this-solve>`);
    let offline = true;
    await page.route('**/graphql', (route) => (offline ? route.abort('internetdisconnected') : route.fallback()));
    const widget = page.locator('careloop-did-this-solve');
    await widget.getByRole('button', { name: 'Yes' }).click();
    await expect.poll(() => widget.getByRole('status').textContent()).toBe('Saved; it will be sent as soon as possible');
    expect(await pendingCount(page)).toBe(1);
    offline = false;
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await expect.poll(() => widget.getByRole('status').textContent(), { timeout: 20_000 }).toBe(CANNOT_SEND.en);
    expect(await pendingCount(page)).toBe(0);
    await expect.poll(() => careloopLines(errors)).toHaveLength(1);
    await page.close();
  });
});
