import type { LocalizedText } from '../db/tables/index.ts';

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

/**
 * The canonical spelling of a language tag (zh-cn -> zh-CN, EN -> en), or undefined when it is
 * not one. Stored and requested locales are both canonicalized, so matching is exact.
 */
export function canonicalLocale(tag: string): string | undefined {
  const trimmed = tag.trim();
  if (!LANGUAGE_TAG.test(trimmed)) return undefined;
  try {
    return Intl.getCanonicalLocales(trimmed)[0];
  } catch {
    return undefined;
  }
}

/**
 * Locales to try for a request, best first: the tag itself, then ever shorter prefixes
 * (zh-Hant-TW -> zh-Hant -> zh), then the survey's default.
 */
export function fallbackChain(requested: string | null | undefined, defaultLocale: string): string[] {
  const chain: string[] = [];
  const canonical = requested ? canonicalLocale(requested) : undefined;
  if (canonical) {
    const parts = canonical.split('-');
    for (let n = parts.length; n > 0; n--) chain.push(parts.slice(0, n).join('-'));
  }
  chain.push(defaultLocale);
  return [...new Set(chain)];
}

/** The first locale of the chain the text has; any text at all as a last resort. */
export function pickText(text: LocalizedText, chain: readonly string[]): string {
  for (const locale of chain) {
    const value = text[locale];
    if (value !== undefined) return value;
  }
  // Only reachable for old (retired) texts written before a change of the default locale.
  return Object.values(text)[0] ?? '';
}

/** The locale a survey is served in: the first of the chain its title is written in. */
export function servedLocale(title: LocalizedText, chain: readonly string[]): string {
  return chain.find((locale) => title[locale] !== undefined) ?? chain[chain.length - 1]!;
}
