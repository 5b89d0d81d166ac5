import { and, eq, gte, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Tenant } from '../tenant/tenant.ts';
import { feedback, feedbackKinds } from '../db/tables/index.ts';
import { publicLimits } from '../intake/submission.ts';
import { parseInput } from '../shared/validate.ts';

export type FeedbackRow = typeof feedback.$inferSelect;

/** A global id as the relay plugin decodes it (`t.globalID({ for })` checked its type and UUID). */
type DecodedId = { id: string } | null | undefined;

/** The filter as the API receives it: ids are decoded global ids. */
export interface FeedbackFilterInput {
  kind?: (typeof feedbackKinds)[number] | null;
  surveyId?: DecodedId;
  subject?: string | null;
  solved?: boolean | null;
  customerId?: DecodedId;
  siteId?: DecodedId;
  from?: string | null;
  to?: string | null;
}

const instant = z
  .string()
  .refine((value) => /(Z|[+-]\d{2}:?\d{2})$/.test(value) && !Number.isNaN(Date.parse(value)), {
    message: 'must be ISO 8601 with a time zone, e.g. 2026-11-23T10:00:00Z',
  })
  .transform((value) => new Date(value).toISOString())
  .nullish();

const filterInput = z.object({
  subject: z.string().max(publicLimits.subject, `must be at most ${publicLimits.subject} characters`).nullish(),
  from: instant,
  to: instant,
});

/**
 * The list filter as SQL over `table`, which may be the alias the relational query gives it.
 * `subject` matches exactly (it names one page, article, answer or complaint); `from` is
 * inclusive and `to` exclusive, so consecutive windows never count a row twice.
 */
export function feedbackFilterSql(table: typeof feedback, orgId: string, raw: FeedbackFilterInput = {}): SQL {
  const checked = parseInput(filterInput, { subject: raw.subject, from: raw.from, to: raw.to }, ['filter']);
  const surveyId = raw.surveyId?.id;
  const customerId = raw.customerId?.id;
  const siteId = raw.siteId?.id;
  const subject = checked.subject?.trim();
  return and(
    eq(table.orgId, orgId),
    raw.kind ? eq(table.kind, raw.kind) : undefined,
    surveyId ? eq(table.surveyId, surveyId) : undefined,
    subject ? eq(table.subject, subject) : undefined,
    raw.solved != null ? eq(table.solved, raw.solved) : undefined,
    customerId ? eq(table.customerId, customerId) : undefined,
    siteId ? eq(table.siteId, siteId) : undefined,
    checked.from ? gte(table.createdAt, checked.from) : undefined,
    checked.to ? lt(table.createdAt, checked.to) : undefined,
  )!;
}

export function countFeedback({ db, orgId }: Tenant, filter?: FeedbackFilterInput): Promise<number> {
  return db.$count(feedback, feedbackFilterSql(feedback, orgId, filter));
}
