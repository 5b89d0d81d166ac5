import { z } from 'zod';
import { normalizeIdentity } from '../customers/identity-values.ts';
import { complaintCategories, type ComplaintContact } from '../db/tables/index.ts';
import { publicLimits, submissionEnvelope } from '../intake/submission.ts';
import { described } from '../shared/validate.ts';

/**
 * Below this many milliseconds between showing the form and sending it, no person has read it:
 * describing a complaint in ten characters or more takes longer. The widget always sends
 * elapsedMs, so its absence means a script is posting directly.
 */
export const MIN_ELAPSED_MS = 2000;

export const complaintLimits = {
  descriptionMin: 10,
  description: publicLimits.description,
  desiredOutcome: 2000,
  contactName: 200,
} as const;

/** Blank counts as absent; otherwise trimmed and length-limited. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .transform((s) => s || undefined)
    .nullish();

/** An email or phone the person typed: normalized as a customer identity would be, so they match later. */
const contactHandle = (channel: 'email' | 'phone') =>
  z
    .string()
    .transform((raw, ctx) => {
      if (!raw.trim()) return undefined;
      const result = normalizeIdentity(channel, raw);
      if ('value' in result) return result.value;
      ctx.addIssue({ code: 'custom', message: result.error });
      return z.NEVER;
    })
    .nullish();

const contact = described(
  z
    .object({
      name: described(optionalText(complaintLimits.contactName), `At most ${complaintLimits.contactName} characters.`),
      email: described(contactHandle('email'), 'An email address.'),
      phone: described(contactHandle('phone'), 'A phone number (digits, optional leading +).'),
    })
    .transform((c): ComplaintContact | undefined => {
      const present = Object.fromEntries(Object.entries(c).filter(([, v]) => v != null));
      return Object.keys(present).length ? present : undefined;
    }),
  'How to reach the complainant. Kept as contact data, unverified; blank fields count as absent.',
  { title: 'ComplaintContactInput' },
);

/** A complaint as the widget sends it; FileComplaintInput in GraphQL. */
export const fileComplaintInput = z.object({
  category: described(z.enum(complaintCategories), 'What it is about.'),
  description: described(
    z
      .string()
      .trim()
      .min(complaintLimits.descriptionMin, `must be at least ${complaintLimits.descriptionMin} characters: tell us what happened`)
      .max(complaintLimits.description, `must be at most ${complaintLimits.description} characters`),
    `What happened: ${complaintLimits.descriptionMin} to ${complaintLimits.description} characters.`,
  ),
  desiredOutcome: described(
    optionalText(complaintLimits.desiredOutcome),
    `What would put it right, at most ${complaintLimits.desiredOutcome} characters.`,
  ),
  contact: described(contact.nullish(), 'How to reach the complainant.'),
  /** Honeypot: hidden from people, so any value came from a bot. Any string is accepted here. */
  website: described(z.string().nullish(), 'Leave empty. (Hidden from people; filled in only by bots.)'),
  // Required, but a missing one must be this field's ValidationError, not a request error.
  elapsedMs: described(
    z
      .number({ error: 'is required: the time in milliseconds since the form was shown' })
      .int()
      .min(0, 'must not be negative'),
    'Milliseconds since the form was shown; required.',
    { graphqlOptional: true },
  ),
  ...submissionEnvelope,
});

export type FileComplaintInput = z.output<typeof fileComplaintInput>;
