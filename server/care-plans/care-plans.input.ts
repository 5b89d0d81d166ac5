import { decodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';
import { isValidTimeZone } from '../complaints/sla/calendar.ts';
import { weekdayNumber, weekdays } from '../complaints/sla/policy.ts';
import {
  carePlanTriggerTypes,
  customerTiers,
  lifecycleStages,
  specialNeeds,
  touchpointChannels,
  touchpointKinds,
  touchpointStages,
} from '../db/tables/index.ts';
import { UUID } from '../shared/ids.ts';
import { boundedList, limits, shortText, textProblem } from '../shared/limits.ts';
import { calendarDate } from '../shared/temporal.ts';
import { described } from '../shared/validate.ts';

/** Limits of a plan's parts: one place for the validation, the descriptions and the README. */
export const planLimits = {
  maxDays: 3650,
  templateChars: 2000,
  templates: 50,
  maxLeadTimeSeconds: 30 * 86_400,
  maxLatenessSeconds: 30 * 86_400,
  holidays: 200,
  holidayDates: 100,
  maxTouchpointsCap: 100,
} as const;

export const cadenceAnchors = ['fixed', 'last_completed'] as const;

const days = (what: string) =>
  described(
    z.number().int().min(1, 'must be at least 1').max(planLimits.maxDays, `must be at most ${planLimits.maxDays}`).optional(),
    `${what} (1 to ${planLimits.maxDays}).`,
  );

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Which trigger parameters each type takes: required ones and allowed ones. */
const triggerParams: Record<(typeof carePlanTriggerTypes)[number], { required: string[]; allowed: string[] }> = {
  birthday: { required: [], allowed: [] },
  annual_date: { required: [], allowed: ['month', 'day', 'holiday'] },
  after_purchase: { required: ['days'], allowed: ['days', 'product'] },
  after_complaint_closed: { required: [], allowed: ['days'] },
  every: { required: ['days', 'anchor'], allowed: ['days', 'anchor', 'startsOn'] },
  silence: { required: ['days'], allowed: ['days'] },
};
const PARAMS = ['days', 'month', 'day', 'holiday', 'product', 'anchor', 'startsOn'] as const;

/**
 * A trigger: its type and the parameters that type takes, no others (a BIRTHDAY with `days` is
 * refused rather than silently ignored). The service checks that a holiday key is on the
 * organization's list.
 */
export const triggerInput = z
  .object({
    type: described(z.enum(carePlanTriggerTypes), 'What makes an occurrence.'),
    days: days('AFTER_PURCHASE, AFTER_COMPLAINT_CLOSED (without it: at the complaint’s followUpDueAt), EVERY, SILENCE: the number of days'),
    month: described(z.number().int().min(1, 'must be 1 to 12').max(12, 'must be 1 to 12').optional(), 'ANNUAL_DATE: the month (1 to 12), with day.'),
    day: described(z.number().int().min(1, 'must be 1 to 31').max(31, 'must be 1 to 31').optional(), 'ANNUAL_DATE: the day of the month, with month.'),
    holiday: described(shortText(64).optional(), 'ANNUAL_DATE: a holiday key of the organization’s list (careSettings.holidays), instead of month and day.'),
    product: described(shortText().optional(), 'AFTER_PURCHASE: only purchases of this product (exact name, any letter case); all purchases without it.'),
    anchor: described(z.enum(cadenceAnchors).optional(), 'EVERY: on a fixed schedule from startsOn, or N days after the last completed touchpoint of the plan.'),
    startsOn: described(calendarDate().optional(), 'EVERY with anchor FIXED: the first date of the schedule (local date).', { graphqlType: 'Date' }),
  })
  .superRefine((trigger, ctx) => {
    const rules = triggerParams[trigger.type];
    for (const param of PARAMS) {
      if (trigger[param] === undefined) continue;
      if (!rules.allowed.includes(param)) ctx.addIssue({ code: 'custom', path: [param], message: `is not a parameter of ${trigger.type.toUpperCase()}` });
    }
    for (const param of rules.required) {
      if (trigger[param as (typeof PARAMS)[number]] === undefined) {
        ctx.addIssue({ code: 'custom', path: [param], message: `is required for ${trigger.type.toUpperCase()}` });
      }
    }
    if (trigger.type === 'annual_date') {
      const byDate = trigger.month !== undefined || trigger.day !== undefined;
      if (byDate && trigger.holiday !== undefined) ctx.addIssue({ code: 'custom', path: ['holiday'], message: 'give a holiday or a month and day, not both' });
      else if (!byDate && trigger.holiday === undefined) ctx.addIssue({ code: 'custom', path: ['holiday'], message: 'give a holiday key, or a month and day' });
      else if (byDate) {
        if (trigger.month === undefined) ctx.addIssue({ code: 'custom', path: ['month'], message: 'is required with day' });
        else if (trigger.day === undefined) ctx.addIssue({ code: 'custom', path: ['day'], message: 'is required with month' });
        else if (trigger.day > DAYS_IN_MONTH[trigger.month - 1]!) {
          ctx.addIssue({ code: 'custom', path: ['day'], message: `is past the end of month ${trigger.month}` });
        }
      }
    }
    if (trigger.type === 'every') {
      if (trigger.anchor === 'fixed' && trigger.startsOn === undefined) ctx.addIssue({ code: 'custom', path: ['startsOn'], message: 'is required with anchor FIXED' });
      if (trigger.anchor === 'last_completed' && trigger.startsOn !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['startsOn'], message: 'is only for anchor FIXED' });
      }
    }
  })
  .meta({ title: 'CarePlanTriggerInput', description: 'What makes an occurrence: a type and the parameters that type takes (no others).' });

/** A site's global id, decoded to its row id (a malformed one is a ValidationError here, not a crash later). */
const siteId = z.string().transform((raw, ctx) => {
  try {
    const { typename, id } = decodeGlobalID(raw);
    if (typename === 'Site' && UUID.test(id)) return id;
  } catch {
    // fall through
  }
  ctx.addIssue({ code: 'custom', message: 'must be a Site id' });
  return z.NEVER;
});

export const audienceInput = z
  .object({
    tiers: described(boundedList(z.enum(customerTiers)).optional(), 'Customers of these tiers; any tier when empty.'),
    lifecycleStages: described(boundedList(z.enum(lifecycleStages)).optional(), 'Customers at these lifecycle stages; any when empty.'),
    tags: described(boundedList(shortText()).optional(), 'Customers with at least one of these tags; any when empty.'),
    specialNeeds: described(boundedList(z.enum(specialNeeds)).optional(), 'Customers with at least one of these special needs; any when empty.'),
    siteIds: described(
      boundedList(described(siteId, 'A Site id.', { graphqlType: 'ID' })).optional(),
      'Customers who gave feedback or filed a complaint on one of these Sites; any when empty.',
    ),
  })
  .meta({ title: 'CarePlanAudienceInput', description: 'Who the plan is for; an omitted or empty list means any. A customer must match every non-empty list.' });

/** A BCP 47 tag as written in Accept-Language (en, zh-CN, zh-Hant-TW), in its canonical case. */
const locale = z.string().transform((raw, ctx) => {
  const tag = raw.trim();
  if (/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag)) {
    try {
      return Intl.getCanonicalLocales(tag)[0]!;
    } catch {
      // fall through
    }
  }
  ctx.addIssue({ code: 'custom', message: 'must be a locale tag such as en, zh-CN or pt-BR' });
  return z.NEVER;
});

const templateInput = z
  .object({
    locale: described(locale, 'The locale (BCP 47: en, zh-CN, zh-TW…); a customer gets the exact one, else the bare language, else en, else the first.'),
    text: described(
      z
        .string()
        .trim()
        .min(1, 'must not be empty')
        .max(planLimits.templateChars, `must be at most ${planLimits.templateChars} characters`)
        .superRefine((text, ctx) => {
          const problem = textProblem(text);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
      `The message, with {name}, {product}, {date} placeholders; at most ${planLimits.templateChars} characters.`,
    ),
  })
  .meta({ title: 'CarePlanTemplateInput', description: 'The message of one locale.' });

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Action fields; on create, channel and kind are required (a missing one is a ValidationError naming it). */
const actionFields = {
  channel: described(z.enum(touchpointChannels), 'The channel of the touchpoints it creates.', { graphqlOptional: true }),
  kind: described(z.enum(touchpointKinds), 'The kind of the touchpoints it creates.', { graphqlOptional: true }),
  stage: described(z.enum(touchpointStages).nullish(), 'The stage of the touchpoints it creates; none when null.'),
  automated: described(
    z.boolean().optional(),
    'True: the company’s systems send the rendered message without a person (needs at least one template); false: work for the assignee.',
  ),
  templates: described(
    boundedList(templateInput, planLimits.templates)
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((t, index) => {
          const key = t.locale.toLowerCase();
          if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index, 'locale'], message: 'is given twice' });
          seen.add(key);
        });
      })
      .optional(),
    `The message per locale (at most ${planLimits.templates}, one per locale); replaces the list.`,
  ),
  leadTimeSeconds: described(
    z.number().int().min(0, 'must not be negative').max(planLimits.maxLeadTimeSeconds, 'must be at most 30 days').optional(),
    'How long before it is due the touchpoint is created, so it shows in agendas (0 to 30 days, in seconds; default 0).',
  ),
  localTime: described(
    z.string().regex(HHMM, 'must be a time written HH:MM, 00:00 to 23:59').optional(),
    'The local wall time HH:MM (in the customer’s zone) at which a date falls; default 09:00. A time skipped by daylight saving moves forward by the gap.',
  ),
};
export const actionInput = z.object(actionFields).meta({ title: 'CarePlanActionInput', description: 'What the plan does at an occurrence.' });
const actionPatch = z
  .object({ ...actionFields, channel: actionFields.channel.optional(), kind: actionFields.kind.optional() })
  .meta({ title: 'CarePlanActionInput', description: 'What the plan does at an occurrence.' });

export const quietRulesInput = z
  .object({
    weekdays: described(
      boundedList(z.enum(weekdays), 7).optional(),
      'Days of the week an occurrence may fall on; one on another day moves to the next allowed day. Any day when empty.',
    ),
    minDaysSinceContact: described(
      z.number().int().min(0, 'must not be negative').max(planLimits.maxDays, `must be at most ${planLimits.maxDays}`).optional(),
      'Skip an occurrence when the customer had a non-automated touchpoint within this many days; 0 (default) is off.',
    ),
  })
  .meta({ title: 'CarePlanQuietRulesInput', description: 'When not to reach out.' });

export const exitsInput = z
  .object({
    onContact: described(z.boolean().optional(), 'SILENCE plans: cancel when the customer made contact meanwhile (default true).'),
    onOpenComplaint: described(z.boolean().optional(), 'Cancel while a complaint of theirs is open (default true).'),
    onAudienceLeft: described(z.boolean().optional(), 'Cancel when their tier, stage, tags, needs or sites left the audience (default true).'),
  })
  .meta({ title: 'CarePlanExitsInput', description: 'Which exits apply; erased and merged customers always exit, opted-out ones never get a plan’s touchpoints.' });

const planName = `A name for people, unique in the organization; 1 to ${limits.shortText} characters.`;
const lateness = described(
  z.number().int().min(0, 'must not be negative').max(planLimits.maxLatenessSeconds, 'must be at most 30 days').optional(),
  'After downtime, an occurrence missed by less than this is still created (marked late); older ones are skipped (0 to 30 days, in seconds; default 1 day).',
);

/** A new plan; CreateCarePlanInput in GraphQL (the assignee ids are decoded by the resolver). */
export const createCarePlanInput = z.object({
  name: described(shortText(), planName),
  active: described(z.boolean().optional(), 'False creates it paused; default true.'),
  trigger: described(triggerInput, 'What makes an occurrence.'),
  audience: described(audienceInput.optional(), 'Who it is for; everyone without it.'),
  action: described(actionInput, 'What it does.'),
  quietRules: described(quietRulesInput.optional(), 'When not to reach out; none without it.'),
  exits: described(exitsInput.optional(), 'Which exits apply; all without it.'),
  maxLatenessSeconds: lateness,
});
export type CreateCarePlanInput = z.output<typeof createCarePlanInput>;

/** What to change of a plan: an omitted field is kept; within audience, action, quiet rules and exits too. The trigger is replaced whole. */
export const updateCarePlanInput = z.object({
  name: described(shortText().optional(), planName),
  trigger: described(triggerInput.optional(), 'A new trigger, replacing the current one whole.'),
  audience: described(audienceInput.optional(), 'The audience lists to replace; an omitted list is kept.'),
  action: described(actionPatch.optional(), 'The action fields to change; an omitted field is kept.'),
  quietRules: described(quietRulesInput.optional(), 'The quiet rules to change; an omitted one is kept.'),
  exits: described(exitsInput.optional(), 'The exits to change; an omitted one is kept.'),
  maxLatenessSeconds: lateness,
});
export type UpdateCarePlanInput = z.output<typeof updateCarePlanInput>;

export const weekdayNumbers = (names: (typeof weekdays)[number][]) => [...new Set(names.map(weekdayNumber))].sort((a, b) => a - b);

// Care settings.

const HOLIDAY_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const holidayInput = z
  .object({
    key: described(
      z.string().regex(HOLIDAY_KEY, 'must be 1 to 64 lower-case letters, digits, - or _, starting with a letter or digit'),
      'What plans name it by, e.g. spring-festival; unique in the list.',
    ),
    name: described(shortText(), 'Its name for people, e.g. Spring Festival (may fill a message).'),
    month: described(z.number().int().min(1, 'must be 1 to 12').max(12, 'must be 1 to 12').optional(), 'A fixed-date holiday: the month (1 to 12), with day.'),
    day: described(z.number().int().min(1, 'must be 1 to 31').max(31, 'must be 1 to 31').optional(), 'A fixed-date holiday: the day, with month.'),
    dates: described(
      boundedList(described(calendarDate(), 'A date of the holiday.', { graphqlType: 'Date' }), planLimits.holidayDates).optional(),
      `A holiday that moves (lunar calendars): its dates, YYYY-MM-DD, at most ${planLimits.holidayDates}; instead of month and day.`,
    ),
  })
  .superRefine((h, ctx) => {
    const fixed = h.month !== undefined || h.day !== undefined;
    if (fixed && h.dates !== undefined) ctx.addIssue({ code: 'custom', path: ['dates'], message: 'give dates or a month and day, not both' });
    else if (!fixed && (h.dates === undefined || h.dates.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['dates'], message: 'give at least one date, or a month and day' });
    } else if (fixed) {
      if (h.month === undefined) ctx.addIssue({ code: 'custom', path: ['month'], message: 'is required with day' });
      else if (h.day === undefined) ctx.addIssue({ code: 'custom', path: ['day'], message: 'is required with month' });
      else if (h.day > DAYS_IN_MONTH[h.month - 1]!) ctx.addIssue({ code: 'custom', path: ['day'], message: `is past the end of month ${h.month}` });
    }
  })
  .meta({ title: 'CareHolidayInput', description: 'A holiday greetings can be planned on: a fixed month and day, or explicit dates.' });

export const careSettingsInput = z.object({
  timeZone: described(
    z.string().refine(isValidTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin or Asia/Shanghai').optional(),
    'The organization’s IANA time zone: customers without their own get their dates (birthdays, holidays) in it.',
  ),
  fatigueCap: described(
    z
      .object({
        maxTouchpoints: described(
          z.number().int().min(1, 'must be at least 1').max(planLimits.maxTouchpointsCap, `must be at most ${planLimits.maxTouchpointsCap}`),
          `At most this many planned touchpoints per customer (1 to ${planLimits.maxTouchpointsCap})…`,
        ),
        perDays: described(z.number().int().min(1, 'must be at least 1').max(365, 'must be at most 365'), '…in any this many days (1 to 365).'),
      })
      .meta({ title: 'FatigueCapInput', description: 'How often plans may reach one customer, across all plans.' })
      .optional(),
    'The fatigue cap; what it holds back is recorded as skipped.',
  ),
  holidays: described(
    boundedList(holidayInput, planLimits.holidays)
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((h, index) => {
          if (seen.has(h.key)) ctx.addIssue({ code: 'custom', path: [index, 'key'], message: 'is given twice' });
          seen.add(h.key);
        });
      })
      .optional(),
    `The holiday list (at most ${planLimits.holidays}), replacing it whole; a holiday a plan uses cannot be removed.`,
  ),
});
export type CareSettingsInput = z.output<typeof careSettingsInput>;
