// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import manifest from '../../widgets/persisted-operations.json' with { type: 'json' };

/**
 * dist/widgets/careloop.mjs (built by test/widgets/global-setup.ts, served at /widgets/careloop.mjs)
 * loaded as an ES module: the browser tests load the classic careloop.js, so this checks that
 * the minified ES build works too.
 */
const bundle = join(import.meta.dirname, '../../dist/widgets/careloop.mjs');

afterAll(() => vi.unstubAllGlobals());

it('careloop.mjs exports and defines the four elements, which render and submit', async () => {
  const fetch = vi.fn(async (_url: string, _init: RequestInit) =>
    Response.json({ data: { submitResolutionCheck: { __typename: 'MutationSubmitResolutionCheckSuccess', data: { feedbackId: 'f1' } } } }),
  );
  vi.stubGlobal('fetch', fetch);
  expect(readFileSync(bundle, 'utf8')).toMatch(/^var /);
  const module = await import(/* @vite-ignore */ bundle);
  expect(Object.keys(module).sort()).toEqual(['CareloopComplaintForm', 'CareloopComplaintTracker', 'CareloopDidThisSolve', 'CareloopSurvey']);
  expect(customElements.get('careloop-did-this-solve')).toBe(module.CareloopDidThisSolve);
  expect(customElements.get('careloop-survey')).toBe(module.CareloopSurvey);
  expect(customElements.get('careloop-complaint-form')).toBe(module.CareloopComplaintForm);
  expect(customElements.get('careloop-complaint-tracker')).toBe(module.CareloopComplaintTracker);

  document.body.innerHTML = '<careloop-did-this-solve site-key="pk_test" subject="article:42" endpoint="https://care.test"></careloop-did-this-solve>';
  const element = document.querySelector('careloop-did-this-solve') as HTMLElement & { updateComplete: Promise<boolean> };
  await element.updateComplete;
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
});
