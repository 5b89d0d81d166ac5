import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { widgetsDir } from '../../scripts/build-widgets.ts';
import { DEMO_CSP, DEMO_FEEDBACK_QUERY } from '../../server/demo/demo-page.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { dataOf, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';

// The file's API is built in a hook, under hookTimeout as before, not within the first test's time.
it.beforeAll(({ api: _ }) => {});

const get = (api: TestApi, path: string, headers: Record<string, string> = {}) => api.yoga.fetch(`http://careloop.test${path}`, { headers });

it('serves the loader as JavaScript with an ETag, short-lived caching and 304 on revalidation', async ({ api }) => {
  for (const file of ['careloop.js', 'careloop.mjs']) {
    const response = await get(api, `/widgets/${file}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // Short: the loader names the chunks of its build, so a new build reaches pages within minutes.
    expect(response.headers.get('cache-control')).toBe('public, max-age=300, must-revalidate');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{20}"$/);
    // The minified build of this test run (test/widgets/global-setup.ts), byte for byte.
    const body = await response.text();
    expect(body).toContain('`./did-this-solve.');
    expect(body).toBe(readFileSync(join(widgetsDir, file), 'utf8'));

    const again = await get(api, `/widgets/${file}`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    const versioned = await get(api, `/widgets/${file}?v=${etag.slice(1, -1)}`);
    expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  }
});

it('serves every chunk the loader names (hashed names) as JavaScript, cached for good, with CORS for module scripts', async ({ api }) => {
  const chunks = readdirSync(widgetsDir).filter((file) => !file.startsWith('careloop.'));
  expect(chunks.length).toBeGreaterThanOrEqual(4);
  for (const file of chunks) {
    expect(file).toMatch(/^[\w-]+\.[\w-]{6}\.js$/);
    const response = await get(api, `/widgets/${file}`);
    expect(response.status, file).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(readFileSync(join(widgetsDir, file), 'utf8'));
  }
  // Nothing else under /widgets/ is read from the disk: no other name, no way up the tree.
  for (const path of ['/widgets/common.ABCDEF.js', '/widgets/..%2Fpackage.json', '/widgets/x.abcdef.json']) {
    expect((await get(api, path)).status, path).toBe(404);
  }
});

it('serves the demo page under a strict CSP, with the demo site key as an attribute value and no inline script', async ({ api }) => {
  const seeded = (await seedDemo(api.db.db)) ?? undefined;
  // The test database already has organizations, so seedDemo declines: the page says so.
  expect(seeded).toBeUndefined();
  const response = await get(api, '/?lang=zh-CN');
  expect(response.headers.get('content-security-policy')).toBe(DEMO_CSP);
  const html = await response.text();
  expect(html).toContain('<html lang="zh-CN">');
  expect(html).toContain('no demo site');
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
  expect(html).toMatch(/<script src="\/widgets\/careloop\.js\?v=[0-9a-f]{20}" defer><\/script>/);
});

it('the demo page shows a query that finds the answers through the API, and it runs with an API key', async ({ api }) => {
  for (const [lang, words] of [
    ['en', 'Where your answers go'],
    ['zh-CN', '您的回答去了哪里'],
  ]) {
    const html = await (await get(api, `/?lang=${lang}`)).text();
    expect(html).toContain(words);
    const shown = /<pre><code>([^<]*)<\/code><\/pre>/.exec(html)?.[1];
    expect(shown?.replaceAll('&quot;', '"')).toBe(DEMO_FEEDBACK_QUERY);
  }
  const { feedback } = dataOf(await api.asA.gql(DEMO_FEEDBACK_QUERY));
  expect(feedback).toEqual({ totalCount: expect.any(Number), edges: expect.any(Array) });
});
