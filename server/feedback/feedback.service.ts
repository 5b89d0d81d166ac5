import { and, eq, gte, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Tenant } from '../tenant/tenant.ts';
import { feedback, feedbackKinds } from '../db/tables/index.ts';
import { decodeId } from '../shared/ids.ts';
import { publicLimits } from '../intake/submission.ts';
import { parseInput } from '../shared/validate.ts';

export type FeedbackRow = typeof feedback.$inferSelect;

/** The filter as the API receives it: ids are global ids. */
export interface FeedbackFilterInput {
  kind?: (typeof feedbackKinds)[number] | null;
  surveyId?: string | number | null;
  subject?: string | null;
  solved?: boolean | null;
  customerId?: string | number | null;
  siteId?: string | number | null;
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
  const id = (value: string | number | null | undefined, typename: string, field: string) =>
    value == null ? undefined : decodeId(String(value), typename, field);
  const surveyId = id(raw.surveyId, 'Survey', 'surveyId');
  const customerId = id(raw.customerId, 'Customer', 'customerId');
  const siteId = id(raw.siteId, 'Site', 'siteId');
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
