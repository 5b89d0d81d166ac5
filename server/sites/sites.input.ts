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

const siteName = `A name for people, 1 to ${limits.shortText} characters.`;

/** A new site; CreateSiteInput in GraphQL. */
export const createSiteInput = z.object({
  name: described(shortText(), siteName),
  allowedOrigins: described(originList, originsText),
});

/** What to change of a site (absent fields are kept); UpdateSiteInput with the site's id. */
export const updateSiteInput = z.object({
  name: described(shortText().optional(), siteName),
  allowedOrigins: described(originList.optional(), `Replaces the list. ${originsText}`),
});
