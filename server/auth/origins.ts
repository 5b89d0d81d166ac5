/**
 * Allowed-origin rules for sites: an exact origin (`https://shop.example.com`, port included
 * when not the default) or a wildcard of one or more subdomain labels (`https://*.example.com`,
 * which does not match the bare `https://example.com`).
 */
const ORIGIN_RULE = /^(https?):\/\/(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)(:\d{1,5})?$/;

export function isValidOriginRule(rule: string): boolean {
  return ORIGIN_RULE.test(rule) && rule.length <= 253;
}

/** Lower-cases and drops a trailing slash so `https://Shop.example.com/` matches its rule. */
export function normalizeOriginRule(rule: string): string {
  return rule.trim().toLowerCase().replace(/\/$/, '');
}

export function originAllowed(origin: string | null, rules: readonly string[]): boolean {
  if (!origin) return false;
  const candidate = origin.toLowerCase();
  return rules.some((rule) => {
    if (!rule.includes('*')) return rule === candidate;
    const [scheme, rest] = rule.split('://*.') as [string, string];
    const prefix = `${scheme}://`;
    if (!candidate.startsWith(prefix)) return false;
    const host = candidate.slice(prefix.length);
    return host.endsWith(`.${rest}`) && host.length > rest.length + 1 && /^[a-z0-9.-]+(:\d+)?$/.test(host);
  });
}
