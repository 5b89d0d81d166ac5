/**
 * GraphiQL in Chromium with no network beyond loopback: the page yoga serves must bring
 * everything it needs (no CDN), and run under the CSP it is sent with, without one violation.
 */
import type { ConsoleMessage, Request, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipBrowserTests, startBrowserHarness, type BrowserHarness } from './browser.ts';

let h: BrowserHarness;

const loopback = (url: string) => {
  const { protocol, hostname } = new URL(url);
  return (protocol === 'http:' || protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
};

describe.skipIf(skipBrowserTests)('GraphiQL offline in Chromium', () => {
  beforeAll(async () => {
    h = await startBrowserHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('renders from the bundled package with every non-loopback request blocked, runs { __typename }, and violates no CSP directive', async () => {
    const page = await h.context.newPage();
    const offLoopback: string[] = [];
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    await page.route('**/*', (route: Route) => {
      const url = route.request().url();
      if (loopback(url)) return route.continue();
      offLoopback.push(url);
      return route.abort('internetdisconnected');
    });
    page.on('request', (request: Request) => requests.push(request.url()));
    page.on('console', (message: ConsoleMessage) => message.type() === 'error' && consoleErrors.push(message.text()));
    const workers: string[] = [];
    page.on('worker', (worker) => {
      workers.push(worker.url());
      worker.on('console', (message: ConsoleMessage) => message.type() === 'error' && consoleErrors.push(`worker: ${message.text()}`));
    });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as any).__cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`),
      );
    });

    // GraphiQL takes the query from the URL; the run button sends it.
    const response = await page.goto(`${h.server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(response?.status()).toBe(200);
    const csp = response!.headers()['content-security-policy'];
    const directives = new Map(csp!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('default-src')).toEqual(["'none'"]);
    // Scripts by hash only: no 'unsafe-inline', no eval, no host.
    expect(directives.get('script-src')).toEqual([expect.stringMatching(/^'sha256-[A-Za-z0-9+/]{43}='$/)]);
    expect(response!.headers()['x-content-type-options']).toBe('nosniff');

    // The query editor is there (yoga's CDN page would sit at "Loading careloop GraphiQL...").
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.waitFor({ timeout: 20_000 });
    expect(await page.locator('body').innerText()).not.toMatch(/Loading/);

    await expect.poll(() => editor.innerText()).toContain('__typename');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => page.locator('.result-window').innerText(), { timeout: 10_000 }).toMatch(/"__typename":\s*"Query"/);

    // The editor's workers (blob: URLs) ran: the language service checks the query in one.
    expect(workers.length).toBeGreaterThan(0);
    expect(workers.every((url) => url.startsWith('blob:'))).toBe(true);

    const violations = await page.evaluate(() => (window as any).__cspViolations as string[]);
    expect(violations).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(offLoopback).toEqual([]);
    expect(requests.filter((url) => !loopback(url) && !url.startsWith('blob:') && !url.startsWith('data:'))).toEqual([]);
  }, 60_000);
});
