// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import manifest from '../../widgets/persisted-operations.json' with { type: 'json' };

/**
 * dist/widgets/careloop.mjs (built by test/widgets/global-setup.ts, served at /widgets/careloop.mjs)
 * loaded as an ES module: the browser tests load the classic careloop.js, so this checks that
 * the ES loader fetches each element's chunk beside it when the element appears.
 */
const bundle = join(import.meta.dirname, '../../dist/widgets/careloop.mjs');

afterAll(() => vi.unstubAllGlobals());

it('careloop.mjs defines an element once the page holds it, from its chunk, which renders and submits', async () => {
  const fetch = vi.fn(async (_url: string, _init: RequestInit) =>
    Response.json({ data: { submitResolutionCheck: { __typename: 'MutationSubmitResolutionCheckSuccess', data: { feedbackId: 'f1' } } } }),
  );
  vi.stubGlobal('fetch', fetch);
  expect(readFileSync(bundle, 'utf8')).toMatch(/^var /);
  const module = await import(/* @vite-ignore */ bundle);
  expect(Object.keys(module)).toEqual([]);
  expect(typeof (globalThis as any).careloop.registerTranslation).toBe('function');
  expect(customElements.get('careloop-did-this-solve')).toBeUndefined();

  const embed = '<careloop-did-this-solve site-key="pk_test" subject="article:42" endpoint="https://care.test"></careloop-did-this-solve>';
  document.body.innerHTML = embed;
  await customElements.whenDefined('careloop-did-this-solve');
  // happy-dom does not pass an upgraded element's attributes to attributeChangedCallback (Chromium
  // does, as the specification says: the browser tests embed before the chunk arrives): a new one.
  document.body.innerHTML = embed;
  // Only what the page uses: the survey and the complaint elements stay unfetched.
  expect(customElements.get('careloop-survey')).toBeUndefined();
  expect(customElements.get('careloop-complaint-form')).toBeUndefined();
  const element = document.querySelector('careloop-did-this-solve') as HTMLElement & { updateComplete: Promise<boolean> };
  await vi.waitFor(() => expect(element.shadowRoot?.querySelectorAll('button').length).toBe(2));
  const buttons = [...element.shadowRoot!.querySelectorAll('button')];
  expect(buttons.map((b) => b.textContent?.trim())).toEqual(['Yes', 'No']);

  const submitted = new Promise<CustomEvent>((resolve) => document.addEventListener('careloop-submitted', (e) => resolve(e as CustomEvent), { once: true }));
  buttons[0]!.click();
  expect((await submitted).detail).toMatchObject({ kind: 'resolution_check', id: 'f1' });
  expect(fetch).toHaveBeenCalledTimes(1);
  const [url, init] = fetch.mock.calls[0]!;
  expect(url).toBe('https://care.test/graphql');
  const body = JSON.parse(init.body as string);
  const hash = Object.entries(manifest as Record<string, string>).find(([, document]) => /^mutation SubmitResolutionCheck\b/.test(document))![0];
  expect(body.extensions.persistedQuery.sha256Hash).toBe(hash);
  expect(body.variables.input).toMatchObject({ subject: 'article:42', solved: true });

  // An element added later is fetched then: the complaint chunk, which defines the form and the tracker.
  document.body.insertAdjacentHTML('beforeend', '<careloop-complaint-tracker site-key="pk_test"></careloop-complaint-tracker>');
  await customElements.whenDefined('careloop-complaint-tracker');
  expect(customElements.get('careloop-complaint-form')).toBeDefined();
});
