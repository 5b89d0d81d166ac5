import { DateTime } from 'luxon';

/** Values a plan's message template may name. `date` is a local ISO date, written out in the template's locale. */
export interface MessageValues {
  name?: string | null;
  product?: string | null;
  date?: string | null;
}

export interface RenderedMessage {
  /** The template's locale (which one was picked). */
  locale: string;
  text: string;
}

/**
 * Picks the template for a customer's locale and fills its placeholders.
 *
 * Locale: the exact tag (case-insensitive) → the tag cut from the end (`zh-Hant-TW` → `zh-Hant`
 * → `zh`, only when such a template exists: a sibling such as `zh-CN` is never used for `zh-TW`, the scripts
 * differ) → `en` → the first locale in alphabetical order (jsonb keeps no key order, so "first"
 * must not depend on how the templates were typed). No templates → null.
 *
 * Placeholders: `{name}`, `{product}`, `{date}`. An unknown one (`{nmae}`) is left as typed, so
 * a typo shows instead of vanishing. A known one without a value becomes empty, and the
 * separator before it goes when only punctuation or the end follows: "Happy birthday, {name}!"
 * without a name is "Happy birthday!", not "Happy birthday, !".
 */
export function renderMessage(
  templates: Record<string, string>,
  locale: string | null | undefined,
  values: MessageValues,
): RenderedMessage | null {
  const picked = pickLocale(Object.keys(templates), locale);
  if (picked === null) return null;
  return { locale: picked, text: fill(templates[picked]!, picked, values) };
}

export function pickLocale(available: string[], wanted: string | null | undefined): string | null {
  if (available.length === 0) return null;
  const byLower = new Map(available.map((l) => [l.toLowerCase(), l]));
  if (wanted) {
    const lower = wanted.toLowerCase();
    const exact = byLower.get(lower);
    if (exact) return exact;
    // RFC 4647 lookup: drop subtags from the end (zh-Hant-TW → zh-Hant → zh), never sideways.
    const parts = lower.split('-');
    for (let n = parts.length - 1; n >= 1; n--) {
      const shorter = byLower.get(parts.slice(0, n).join('-'));
      if (shorter) return shorter;
    }
  }
  return byLower.get('en') ?? [...available].sort()[0]!;
}

const PLACEHOLDER = /\{(\w+)\}/g;
const KNOWN = new Set(['name', 'product', 'date']);
/** What may follow an emptied placeholder for the separator before it to go. */
const CLOSING = /^\s*(?:[!?.,;:。！？，、；：]|$)/;

function fill(template: string, locale: string, values: MessageValues): string {
  let out = '';
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    out += template.slice(last, match.index);
    last = match.index + match[0].length;
    const name = match[1]!;
    if (!KNOWN.has(name)) {
      out += match[0];
      continue;
    }
    const value = valueOf(name, locale, values);
    if (value) {
      out += value;
      continue;
    }
    const rest = template.slice(last);
    if (CLOSING.test(rest)) out = out.replace(/[\s,，、]+$/, '');
    else if (/\s$/.test(out) && /^\s/.test(rest)) out = out.replace(/\s+$/, '');
  }
  return out + template.slice(last);
}

function valueOf(name: string, locale: string, values: MessageValues): string {
  if (name === 'date') {
    if (!values.date) return '';
    const date = DateTime.fromISO(values.date, { zone: 'UTC' });
    return date.isValid ? date.setLocale(locale).toLocaleString(DateTime.DATE_FULL) : values.date;
  }
  return (name === 'name' ? values.name : values.product)?.trim() ?? '';
}
