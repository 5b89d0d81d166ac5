/**
 * The script-tag entry, a loader: it defines nothing itself, but fetches an element's code the
 * first time the page holds that element (now, or when it is added later: a MutationObserver),
 * so a page pays only for the elements it uses. The chunks are ES modules named by their hash
 * next to this file; `import('./…')` resolves them against this script's own URL, in the
 * classic careloop.js as in careloop.mjs, so they come from the careloop origin (script-src).
 * `await customElements.whenDefined('careloop-survey')` tells a page when one is ready.
 */
// By the tag's name after `careloop-`.
const chunks: Record<string, () => Promise<unknown>> = {
  'did-this-solve': () => import('./did-this-solve/did-this-solve.ts'),
  survey: () => import('./survey/survey.ts'),
  // One chunk for both: the tracker is the form's tracking mode, and two small files compress worse.
  'complaint-form': () => import('./complaint-tracker/complaint-tracker.ts'),
  'complaint-tracker': () => import('./complaint-tracker/complaint-tracker.ts'),
};

const scan = () => {
  for (const name in chunks) {
    const load = chunks[name]!;
    if (document.querySelector('careloop-' + name)) {
      delete chunks[name];
      load().catch((error) => console.error('careloop: could not load', name, error));
    }
  }
};
scan();
new MutationObserver(scan).observe(document, { childList: true, subtree: true });

/**
 * `careloop.registerTranslation({ lang: 'fr', solved: 'Cela a-t-il résolu votre problème ?', … })`
 * adds a language (or completes one) from the page's own script, without rebuilding the bundle;
 * texts it lacks are English. It resolves once the elements use it.
 */
(globalThis as any).careloop = {
  registerTranslation: (...translations: object[]) => import('./internal/register.ts').then((localize) => localize.registerTranslation(...(translations as any))),
};

// What earlier pages left unsent goes out even on a page without a careloop element.
try {
  if (localStorage.getItem('careloop:pending')) void import('./internal/send-pending.ts');
} catch {
  // storage blocked: nothing was kept
}

export type { ErrorDetail, QueuedDetail, SubmissionKind, SubmittedDetail } from './internal/events.ts';
