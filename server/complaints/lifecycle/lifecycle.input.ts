import { z } from 'zod';
import { complainantTypes, complaintCategories, complaintSeverities, recoveryActionTypes } from '../../db/tables/index.ts';
import { submissionEnvelope } from '../../intake/submission.ts';
import { longText } from '../../shared/limits.ts';
import { described } from '../../shared/validate.ts';

/** A message someone reads: trimmed, not blank, at most limits.longText characters. */
const messageText = () => longText().trim().min(1, 'must not be empty');

export const triageInput = z.object({
  severity: described(z.enum(complaintSeverities), 'How serious it is: the SLA targets follow it; CRITICAL escalates.'),
  complainantType: described(z.enum(complainantTypes), 'How the complainant behaves: IRATE and ACTIVIST escalate.'),
  category: described(z.enum(complaintCategories).nullish(), 'A corrected category; absent keeps the one the customer chose.'),
});

export const assignInput = z.object({
  reason: described(messageText().nullish(), 'Why (an internal note on the history); optional.'),
});

export const transferInput = z.object({
  // Optional in GraphQL so a missing reason is a ValidationError naming the field (the service requires it), not a request error.
  reason: described(messageText().nullish(), 'Why it moves (required; internal, never shown to the customer).', { graphqlOptional: true }),
});

export const noteVisibilities = ['internal', 'customer'] as const;

export const noteInput = z.object({
  body: described(messageText(), 'The note.'),
  visibility: described(z.enum(noteVisibilities), 'INTERNAL: staff only; CUSTOMER: on the customer’s timeline as an update.'),
});

export const requestInfoInput = z.object({
  message: described(messageText(), 'What the customer should tell or send: shown on their timeline.'),
});

/** ISO 4217 codes this runtime knows (Intl), upper case. */
const currencies = new Set(Intl.supportedValuesOf('currency'));

export const recoveryInput = z
  .object({
    type: described(z.enum(recoveryActionTypes), 'What kind of recovery.'),
    description: described(messageText(), 'What was done (internal).'),
    valueCents: described(
      z.number().int('must be a whole number of minor units').min(0, 'must not be negative').max(2_000_000_000).nullish(),
      'Its value in the minor unit of currency (cents, fen); with currency.',
    ),
    currency: described(
      z
        .string()
        .trim()
        .transform((s) => s.toUpperCase())
        .refine((s) => currencies.has(s), 'must be an ISO 4217 currency code such as EUR or CNY')
        .nullish(),
      'ISO 4217 code, e.g. EUR, CNY; with valueCents.',
    ),
  })
  .superRefine((input, ctx) => {
    if ((input.valueCents == null) !== (input.currency == null)) {
      ctx.addIssue({ code: 'custom', path: [input.valueCents == null ? 'valueCents' : 'currency'], message: 'valueCents and currency go together' });
    }
  });

export const resolveInput = z.object({
  resolution: described(messageText(), 'What was done to resolve it: shown on the customer’s timeline.'),
});

export const reopenInput = z.object({
  reason: described(messageText(), 'Why it is reopened (internal).'),
});

/** The public (widget) inputs: reference, code, idempotency key as every widget submission. */
const tracked = {
  reference: described(z.string().max(64, 'must be at most 64 characters'), 'The reference, e.g. C-7K2M-9QXD.'),
  trackingToken: described(z.string().max(256, 'must be at most 256 characters'), 'The tracking code from the receipt.'),
  idempotencyKey: submissionEnvelope.idempotencyKey,
};

export const replyInput = z.object({
  ...tracked,
  message: described(messageText(), 'The customer’s reply.'),
});

/** Optional words from the widget: blank counts as absent. */
const optionalWords = () =>
  longText()
    .trim()
    .transform((s) => s || null)
    .nullish();

export const confirmInput = z.object({
  ...tracked,
  solved: described(z.boolean(), '“Is this solved? Is it the progress you hoped for?” true closes it, false reopens it.'),
  reason: described(optionalWords(), 'With solved false: what is still wrong (shown back on their timeline with the reopening).'),
  comment: described(optionalWords(), 'Anything else they want to say (for the care team only).'),
  agentRating: described(
    z.number().int('must be a whole number').min(1, 'must be 1 to 5').max(5, 'must be 1 to 5').nullish(),
    '“Did <agent> help you?” 1 (not at all) to 5 (very much).',
  ),
});

export type ReplyInput = z.output<typeof replyInput>;
export type ConfirmInput = z.output<typeof confirmInput>;
