import { z } from 'zod';
import {
  customerTiers,
  identityChannels,
  lifecycleStages,
  specialNeeds,
  touchpointChannels,
} from '../db/tables/index.ts';
import { boundedList, jsonChecked, limits, longText, shortText } from '../shared/limits.ts';
import type { Clock } from '../clock/clock.ts';
import { isValidTimeZone } from '../complaints/sla/calendar.ts';
import { ValidationError, type FieldIssue } from '../shared/errors.ts';
import { calendarDate, instant, isCalendarDate } from '../shared/temporal.ts';
import { described, parseInput } from '../shared/validate.ts';
import { normalizeIdentity, type IdentityChannel } from './identity-values.ts';

/** Customer limits beyond the shared ones (limits.ts): one place for validation and the schema's descriptions. */
export const customerLimits = {
  gender: 50,
  tag: 50,
  identities: 20,
  promises: 20,
  promise: 1000,
  maxPurchaseValue: 999_999_999_999,
  earliestBirthday: '1900-01-01',
} as const;

function identityValue(channel: IdentityChannel) {
  return z.string().transform((raw, ctx) => {
    const result = normalizeIdentity(channel, raw);
    if ('error' in result) {
      ctx.addIssue({ code: 'custom', message: result.error });
      return z.NEVER;
    }
    return result.value;
  });
}

// "Not in the future" needs the request's clock, which a static schema cannot see: checked by
// parseProfile below, with the schema's issues, so every bad field is still reported at once.
const birthday = calendarDate().refine(
  (d) => d >= customerLimits.earliestBirthday,
  `must not be before ${customerLimits.earliestBirthday}`,
);

// The depth and text checks first: measuring the size stringifies, which a deep value would overflow.
const attributes = jsonChecked(z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }))
  .refine(
    (value) => Buffer.byteLength(JSON.stringify(value)) <= limits.attributesBytes,
    `must be at most ${limits.attributesBytes} bytes of JSON`,
  );

const uniqueList = <T>(list: T[]) => [...new Set(list)];

/** Fields shared by create and update. In update, `null` clears a field and absence keeps it. */
const profileFields = {
  externalId: described(
    shortText().nullish(),
    `The company's own id, unique in the organization; 1 to ${limits.shortText} characters.`,
  ),
  name: described(shortText().nullish(), `1 to ${limits.shortText} characters.`),
  email: described(identityValue('email').nullish(), 'An email address; kept lower-case and linked as an EMAIL identity.'),
  phone: described(identityValue('phone').nullish(), 'A phone number (digits, optional leading +); linked as a PHONE identity.'),
  birthday: described(birthday.nullish(), `Not in the future, not before ${customerLimits.earliestBirthday}.`, { graphqlType: 'Date' }),
  locale: described(
    z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, 'must be a language tag such as en or zh-CN')
      .nullish(),
    'A language tag such as en or zh-CN.',
  ),
  gender: described(shortText(customerLimits.gender).nullish(), `Free text, 1 to ${customerLimits.gender} characters.`),
  timeZone: described(
    z.string().refine(isValidTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin or Asia/Shanghai').nullish(),
    "The customer's own IANA time zone (e.g. Asia/Shanghai): birthdays and care dates fall on their local day; null for the organization's.",
  ),
  tier: described(z.enum(customerTiers).nullish(), 'Setting a tier makes it manual; null hands it back to recomputeTiers.'),
  lifecycleStage: described(z.enum(lifecycleStages).optional(), 'Defaults to PROSPECT on create.'),
  specialNeeds: described(
    boundedList(z.enum(specialNeeds), specialNeeds.length).transform(uniqueList).optional(),
    'Replaces the list; duplicates are dropped.',
  ),
  tags: described(
    boundedList(shortText(customerLimits.tag)).transform(uniqueList).optional(),
    `Replaces the list: at most ${limits.listItems} tags of 1 to ${customerLimits.tag} characters; duplicates are dropped.`,
  ),
  attributes: described(
    attributes.optional(),
    `A JSON object of free-form profile data (hobbies, family…), at most ${limits.attributesBytes} bytes and ${limits.jsonDepth} levels deep.`,
  ),
};

/** The fields of a channel handle (IdentityInput; AddCustomerIdentityInput adds the customer). */
export const identityFields = {
  channel: described(z.enum(identityChannels), 'The channel.'),
  value: described(z.string(), 'The handle; normalized as the channel says (IdentityChannel).'),
  verified: described(z.boolean().nullish(), 'Whether the company confirmed it; defaults to false.'),
};

export const identityInput = described(
  z.object(identityFields).transform((input, ctx) => {
    const result = normalizeIdentity(input.channel, input.value);
    if ('error' in result) {
      ctx.addIssue({ code: 'custom', message: result.error, path: ['value'] });
      return z.NEVER;
    }
    return { channel: input.channel, value: result.value, verified: input.verified ?? false };
  }),
  'A channel handle to link to a customer.',
  { title: 'IdentityInput' },
);

export const createCustomerInput = z.object({
  ...profileFields,
  identities: described(
    boundedList(identityInput, customerLimits.identities).optional(),
    `Further channel handles besides email and phone, at most ${customerLimits.identities}.`,
  ),
});

export const updateCustomerInput = z.object(profileFields);

export const purchaseInput = z.object({
  product: described(shortText(), `What was bought, 1 to ${limits.shortText} characters.`),
  purchasedAt: described(instant(), 'When it was bought.', { graphqlType: 'DateTime' }),
  reason: described(longText().nullish(), `Why the customer bought it, at most ${limits.longText} characters.`),
  promises: described(
    boundedList(shortText(customerLimits.promise), customerLimits.promises).optional(),
    `What was promised at the sale, for later follow-up: at most ${customerLimits.promises}, each 1 to ${customerLimits.promise} characters.`,
  ),
  value: described(
    z.number().finite().min(0, 'must not be negative').max(customerLimits.maxPurchaseValue, 'is too large').optional(),
    `What it was worth, 0 to ${customerLimits.maxPurchaseValue}; defaults to 0.`,
  ),
});

/** updateContactPreferences: absent keeps, as in updateCustomer. */
export const contactPreferencesInput = z.object({
  channels: described(
    boundedList(z.enum(touchpointChannels), touchpointChannels.length).transform(uniqueList).nullish(),
    'The channels care may use, replacing the list; null or empty for any channel; absent keeps it.',
  ),
  optedOutOfCare: described(
    z.boolean().nullish(),
    'true: opted out of care messages (care plans schedule nothing for them); false: opted back in; absent keeps it.',
  ),
});

export type CreateCustomerInput = z.output<typeof createCustomerInput>;
export type UpdateCustomerInput = z.output<typeof updateCustomerInput>;
export type IdentityInput = z.output<typeof identityInput>;
export type PurchaseInput = z.output<typeof purchaseInput>;

/**
 * The latest birthday accepted, as the clock tells. Compared as text, which for YYYY-MM-DD is
 * date order. "The future" starts after tomorrow in UTC: where the clock is ahead of UTC (up to
 * 14 hours), today is already tomorrow there.
 */
const latestBirthday = (clock: Clock) => new Date(clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);

/** Parses a create or update input, refusing a birthday after the clock's today with the schema's own issues. */
export function parseProfile<S extends typeof createCustomerInput | typeof updateCustomerInput>(
  schema: S,
  raw: unknown,
  clock: Clock,
): z.output<S> {
  const given = (raw as { birthday?: unknown } | null)?.birthday;
  const future: FieldIssue[] =
    typeof given === 'string' && isCalendarDate(given) && given > latestBirthday(clock)
      ? [{ path: ['input', 'birthday'], message: 'must not be in the future' }]
      : [];
  let parsed: z.output<S>;
  try {
    parsed = parseInput(schema, raw) as z.output<S>;
  } catch (error) {
    if (error instanceof ValidationError && future.length) throw new ValidationError([...error.issues, ...future]);
    throw error;
  }
  if (future.length) throw new ValidationError(future);
  return parsed;
}
