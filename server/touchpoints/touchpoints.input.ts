import { z } from 'zod';
import {
  identityChannels,
  touchpointChannels,
  touchpointDirections,
  touchpointKinds,
  touchpointSentiments,
  touchpointStages,
  touchpointStatuses,
} from '../db/tables/index.ts';
import { limits, longText, shortText } from '../shared/limits.ts';
import { instant } from '../shared/temporal.ts';
import { described } from '../shared/validate.ts';

/** Touchpoint limits beyond the shared ones: one place for validation and the schema's descriptions. */
export const touchpointLimits = {
  summary: 2_000,
  outcome: 2_000,
  message: limits.longText,
  cancelReason: 500,
  /** A day: longer is a typo (seconds for minutes), not a call. */
  durationSeconds: 86_400,
  /**
   * How far past the clock an occurredAt may lie: the caller's clock may run a little ahead of
   * ours, but a contact that has not happened yet is scheduled, not logged.
   */
  futureToleranceSeconds: 300,
  /** A schedule further back than this is a mistake, not overdue work. */
  schedulePastDays: 366,
  scheduleFutureDays: 3_660,
} as const;

/** Free text someone reads: trimmed, blank counts as absent, at most `max` characters. */
const words = (max: number) =>
  longText()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .transform((s) => s || null)
    .nullish();

const when = (description: string) => described(instant(), description, { graphqlType: 'DateTime' });

/** What every new touchpoint says of itself, logged or scheduled. */
const common = {
  channel: described(z.enum(touchpointChannels), 'The channel it happens on.'),
  stage: described(z.enum(touchpointStages).nullish(), 'The stage of the customer’s journey: before, during or after the sale.'),
  kind: described(z.enum(touchpointKinds), 'What it is: a follow-up, a greeting, a service visit…'),
  summary: described(words(touchpointLimits.summary), `What it was about, for the care team; at most ${touchpointLimits.summary} characters.`),
  isPeak: described(z.boolean().nullish(), 'The peak of the customer’s experience (peak-end rule); false without it.'),
  isEnd: described(z.boolean().nullish(), 'The end of the customer’s experience (peak-end rule); false without it.'),
  automated: described(
    z.boolean().nullish(),
    'Sent by a system without a person (e.g. a birthday SMS): it does not count as contact in lastContactedAt; false without it.',
  ),
  message: described(
    words(touchpointLimits.message),
    `The message an automated touchpoint carries, for the company’s systems to deliver; at most ${touchpointLimits.message} characters.`,
  ),
  messageLocale: described(shortText(35).nullish(), 'The locale of message (BCP 47, e.g. zh-CN).'),
};

export const identityRef = z.object({
  channel: described(z.enum(identityChannels), 'The channel of the handle.'),
  value: described(z.string().max(254, 'must be at most 254 characters'), 'The handle as given (normalized like customer identities: email lower-case, phone digits).'),
});

export const logInput = z.object({
  identity: described(
    identityRef.meta({ title: 'TouchpointIdentityInput', description: 'A channel handle of the customer, e.g. the phone number that called.' }).nullish(),
    'Instead of customerId: the customer holding this handle, or a new customer created with it (for inbound contacts from someone not yet known).',
  ),
  direction: described(z.enum(touchpointDirections), 'INBOUND: the customer reached out; OUTBOUND: the company did.'),
  ...common,
  occurredAt: when(`When it happened: not after the clock (${touchpointLimits.futureToleranceSeconds} s tolerated).`),
  durationSeconds: described(
    z.number().int('must be a whole number').min(0, 'must not be negative').max(touchpointLimits.durationSeconds, `must be at most ${touchpointLimits.durationSeconds}`).nullish(),
    `How long it took, in seconds (at most ${touchpointLimits.durationSeconds}).`,
  ),
  outcome: described(words(touchpointLimits.outcome), `What came of it; at most ${touchpointLimits.outcome} characters.`),
  sentiment: described(z.enum(touchpointSentiments).nullish(), 'How the customer felt.'),
  purchaseId: described(z.uuid('must be a purchase id (a UUID)').nullish(), 'The Purchase (its id field) it was about; of the same customer.'),
});

export const scheduleInput = z.object({
  direction: described(z.enum(touchpointDirections).nullish(), 'Who reaches out; OUTBOUND without it.'),
  ...common,
  scheduledFor: when(
    `When it is due: at most ${touchpointLimits.schedulePastDays} days before the clock and ${touchpointLimits.scheduleFutureDays} days after.`,
  ),
  purchaseId: described(z.uuid('must be a purchase id (a UUID)').nullish(), 'The Purchase (its id field) it is about; of the same customer.'),
});

export const completeInput = z.object({
  outcome: described(words(touchpointLimits.outcome), `What came of it; at most ${touchpointLimits.outcome} characters.`),
  summary: described(words(touchpointLimits.summary), `What it was about; replaces the one it had when given.`),
  sentiment: described(z.enum(touchpointSentiments).nullish(), 'How the customer felt.'),
  occurredAt: described(instant().nullish(), 'When it happened; the clock’s now without it. Not in the future.', { graphqlType: 'DateTime' }),
  durationSeconds: described(
    z.number().int('must be a whole number').min(0, 'must not be negative').max(touchpointLimits.durationSeconds, `must be at most ${touchpointLimits.durationSeconds}`).nullish(),
    `How long it took, in seconds (at most ${touchpointLimits.durationSeconds}).`,
  ),
});

export const cancelInput = z.object({
  reason: described(
    longText().trim().min(1, 'must not be empty').max(touchpointLimits.cancelReason, `must be at most ${touchpointLimits.cancelReason} characters`),
    `Why it will not happen (kept on the touchpoint; at most ${touchpointLimits.cancelReason} characters).`,
  ),
});

export const rescheduleInput = z.object({
  scheduledFor: when('The new due time (the same bounds as scheduleTouchpoint).'),
});

export const touchpointFilterInput = z.object({
  status: described(z.enum(touchpointStatuses).nullish(), 'Touchpoints in this status.'),
  channel: described(z.enum(touchpointChannels).nullish(), 'On this channel.'),
  direction: described(z.enum(touchpointDirections).nullish(), 'In this direction.'),
  stage: described(z.enum(touchpointStages).nullish(), 'In this stage.'),
  kind: described(z.enum(touchpointKinds).nullish(), 'Of this kind.'),
  dueBefore: described(instant().nullish(), 'scheduledFor before this instant; with status SCHEDULED: the work that is due.', {
    graphqlType: 'DateTime',
  }),
  from: described(instant().nullish(), 'Happening at or after this instant: occurredAt, or scheduledFor for one that has not happened.', {
    graphqlType: 'DateTime',
  }),
  to: described(instant().nullish(), 'Happening before this instant (occurredAt, else scheduledFor).', { graphqlType: 'DateTime' }),
});

export const agendaInput = z.object({
  from: described(instant().nullish(), 'Due at or after this instant (overdue ones are listed anyway).', { graphqlType: 'DateTime' }),
  to: described(instant().nullish(), 'Due before this instant.', { graphqlType: 'DateTime' }),
});

export type LogInput = z.output<typeof logInput>;
export type ScheduleInput = z.output<typeof scheduleInput>;
export type TouchpointFilterInput = z.output<typeof touchpointFilterInput>;
