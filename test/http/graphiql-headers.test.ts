/**
 * GraphiQL's answer: the bundled page (nothing from a CDN), sent with its own CSP — the one inline
 * script allowed by its hash, frame-ancestors 'none' — and nosniff. Other answers of the GraphQL
 * endpoint do not get the page's policy. (test/e2e/graphiql.browser.test.ts runs it in Chromium.)
 */
import { createHash } from 'node:crypto';
import { describe, expect } from 'vitest';
import { createCareloopYoga, type CareloopYoga } from '../../server/yoga.ts';
import { test } from '../helpers/fixtures.ts';

/** The shared fixtures (test/helpers/fixtures.ts), and `yoga`: the app with GraphiQL on, over the file's bare database. */
const it = test.extend('yoga', { scope: 'file' }, ({ database }): CareloopYoga => createCareloopYoga({ database, logging: false, graphiql: true }));
it.beforeAll(({ yoga: _ }) => {});

const directivesOf = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

describe('the GraphiQL page', () => {
  it.for(['/graphql', '/graphql/', '/graphql?query=%7B__typename%7D'])('GET %s: the bundled page with its CSP and nosniff', async (path, { yoga }) => {
    const response = await yoga.fetch(`http://careloop.test${path}`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    // (booleans: a failure must not print the 9 MB page)
    expect(html.includes('<title>careloop GraphiQL</title>')).toBe(true);
    // Self-contained: no external script, stylesheet or icon, nothing fetched from a CDN.
    expect(/<script[^>]+src=|<link[^>]+rel="?stylesheet|unpkg\.com|jsdelivr|raw\.githubusercontent/.test(html)).toBe(false);
    expect(/<link rel="icon" href="data:/.test(html)).toBe(true);
    expect(html.includes('Loading careloop GraphiQL')).toBe(false);

    const directives = directivesOf(response.headers.get('content-security-policy') ?? '');
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('worker-src')).toEqual(['blob:']);
    // Exactly the page's inline scripts, each by hash; nothing else may run.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.every(([, attributes]) => attributes!.trim() === '')).toBe(true);
    const hashes = scripts.map(([, , body]) => `'sha256-${createHash('sha256').update(body!).digest('base64')}'`);
    expect(directives.get('script-src')).toEqual(hashes);
  });

  it('is big but rendered once: a second GET is the same page, fast', async ({ yoga }) => {
    const get = () => yoga.fetch('http://careloop.test/graphql', { headers: { accept: 'text/html' } });
    const first = await (await get()).text();
    const started = performance.now();
    const second = await (await get()).text();
    expect(second === first).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('other answers of the endpoint do not carry the page policy', async ({ yoga }) => {
    const post = await yoga.fetch('http://careloop.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.headers.get('content-security-policy')).toBeNull();
    const get = await yoga.fetch('http://careloop.test/graphql?query=%7B__typename%7D', { headers: { accept: 'application/json' } });
    expect(get.headers.get('content-type')).toMatch(/json/);
    expect(get.headers.get('content-security-policy')).toBeNull();
  });

  it('with graphiql off, a browser GET gets no page', async ({ database }) => {
    const off = createCareloopYoga({ database, logging: false, graphiql: false });
    const response = await off.fetch('http://careloop.test/graphql', { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type') ?? '').not.toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBeNull();
  });
});
