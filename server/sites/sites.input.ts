import { z } from 'zod';
import { isValidOriginRule, normalizeOriginRule } from '../auth/origins.ts';
import { boundedList, limits, shortText } from '../shared/limits.ts';
import { described } from '../shared/validate.ts';

export const originsText = `Origins whose pages may use the site key, e.g. https://shop.example.com or https://*.example.com; 1 to ${limits.allowedOrigins}.`;

const originList = boundedList(
  z
    .string()
    .transform(normalizeOriginRule)
    .refine(isValidOriginRule, 'must be an origin like https://shop.example.com or https://*.example.com'),
  limits.allowedOrigins,
)
  .min(1, 'must name at least one origin')
  .transform((list) => [...new Set(list)]);

export const trackingPageUrlText =
  'The page of your site that shows a complaint\'s progress (your <careloop-complaint-form reference token> page), with the placeholders {reference} and {code}, e.g. https://shop.example.com/complaints?ref={reference}&code={code}: https (http only for localhost), at most 2000 characters. fileComplaint then returns it filled in as trackingUrl, for your confirmation email.';

const PLACEHOLDERS = /\{(reference|code)\}/g;

/**
 * Both placeholders, and only in the path, query or fragment: a placeholder in the host would let
 * a reference choose where the link goes.
 */
function trackingPageProblem(url: string): string | undefined {
  if (!url.includes('{reference}') || !url.includes('{code}')) return 'must contain both {reference} and {code}';
  let parsed: URL;
  try {
    parsed = new URL(url.replace(PLACEHOLDERS, 'x'));
  } catch {
    return 'must be an absolute URL, e.g. https://shop.example.com/complaints?ref={reference}&code={code}';
  }
  const local = parsed.protocol == 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol != 'https:' && !local) return 'must be an https URL (http only for localhost)';
  if (parsed.username || parsed.password) return 'must not contain a user name or password';
  if (!url.toLowerCase().startsWith(`${parsed.origin}/`) && url.toLowerCase() != parsed.origin) {
    return 'the placeholders must be in the path, query or fragment, not in the host';
  }
  return undefined;
}

const trackingPageUrl = z
  .string()
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .superRefine((url, ctx) => {
    const problem = trackingPageProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** The tracking page of a site filled in for one complaint; each value URL-encoded. */
export function fillTrackingPageUrl(template: string | null, reference: string, code: string): string | null {
  if (!template) return null;
  return template.replace(PLACEHOLDERS, (_, name) => encodeURIComponent(name == 'reference' ? reference : code));
}

const siteName = `A name for people, 1 to ${limits.shortText} characters.`;

/** A new site; CreateSiteInput in GraphQL. */
export const createSiteInput = z.object({
  name: described(shortText(), siteName),
  allowedOrigins: described(originList, originsText),
  trackingPageUrl: described(trackingPageUrl.nullish(), trackingPageUrlText),
});

/** What to change of a site (absent fields are kept); UpdateSiteInput with the site's id. */
export const updateSiteInput = z.object({
  name: described(shortText().optional(), siteName),
  allowedOrigins: described(originList.optional(), `Replaces the list. ${originsText}`),
  trackingPageUrl: described(trackingPageUrl.nullish(), `${trackingPageUrlText} Null removes it.`),
});
