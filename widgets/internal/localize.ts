import { en, type Translation } from '../translations/en.ts';
import type { ComplaintTranslation } from '../translations/complaint/en.ts';
import type { SurveyTranslation } from '../translations/survey/en.ts';
import type { ReactiveElement } from './element.ts';

/**
 * The localization controller, after Shoelace's: an element speaks its own `locale`, else the
 * `lang` of its closest ancestor, else the browser's language, and renders again when a `lang`
 * changes. A tag falls back region → language → English (fr-CA → fr → en); Chinese by script:
 * zh-TW, zh-HK, zh-MO and zh-Hant fall back to zh-TW (Traditional), never to Simplified, so
 * without a Traditional translation they read English. Texts a translation lacks are English.
 * zh-CN ships as chunks fetched the first time an element needs it; a page adds a language with
 * `registerTranslation` (README, "Widgets").
 */
export type Texts = { lang: string } & Partial<Translation & ComplaintTranslation & SurveyTranslation>;

const registry = new Map<string, Texts>();
/** Chunks of a shipped translation not fetched yet, by lowercase tag. */
const shipped = new Map<string, (() => Promise<unknown>)[]>();
const loading = new Set<string>();
const merged = new Map<string, Translation>();
const elements = new Set<ReactiveElement>();
let observer: MutationObserver | undefined;

const refresh = () => {
  merged.clear();
  for (const element of elements) element.requestUpdate();
};

/** Adds (or completes) languages; every element re-renders. Texts are merged per `lang`. */
export function registerTranslation(...translations: Texts[]): void {
  for (const texts of translations) {
    const key = texts.lang.toLowerCase();
    registry.set(key, { ...registry.get(key), ...texts });
  }
  refresh();
}

/** A translation (or part of one) in a chunk of its own, fetched when an element needs `lang`. */
export function shipTranslation(lang: string, load: () => Promise<unknown>): void {
  shipped.set(lang, [...(shipped.get(lang) ?? []), load]);
  refresh();
}

const fallbacks = (tag: string) => {
  const language = tag.split('-')[0]!;
  return [tag, language == 'zh' ? (/-(hant|tw|hk|mo)\b/.test(tag) ? 'zh-tw' : 'zh-cn') : language, 'en'];
};

/** The texts for a language tag, or undefined while a shipped translation is being fetched. */
export function translate(tag: string): Translation | undefined {
  tag = tag.toLowerCase();
  if (!merged.has(tag)) {
    const key = fallbacks(tag).find((key) => registry.has(key) || shipped.has(key) || loading.has(key))!;
    if (loading.has(key)) return;
    const loads = shipped.get(key);
    if (loads) {
      // Until it arrives the element waits (no flash of English); a chunk that fails leaves English.
      shipped.delete(key);
      loading.add(key);
      void Promise.allSettled(loads.map((load) => load())).then(() => (loading.delete(key), refresh()));
      return;
    }
    merged.set(tag, { ...en, ...registry.get('en'), ...registry.get(key) } as Translation);
  }
  return merged.get(tag);
}

/** Elements re-render when a `lang` attribute changes anywhere in the page. */
export function localize(element: ReactiveElement, connected: boolean): void {
  if (!connected) return void elements.delete(element);
  elements.add(element);
  observer ??= new MutationObserver(refresh);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
}

shipTranslation('zh-cn', () => import('../translations/zh-CN.ts'));
