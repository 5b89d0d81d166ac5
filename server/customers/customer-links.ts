import { asc, desc, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import {
  carePlanOccurrences,
  complaints,
  customerIdentities,
  feedback,
  purchases,
  surveys,
  touchpoints,
} from '../db/tables/index.ts';

/**
 * A table that points at a customer. Merging moves its rows to the surviving customer, erasure
 * does what `erase` says, export lists the rows under `name`.
 */
export interface CustomerLink {
  /** Key in the export document, e.g. "purchases". */
  name: string;
  table: PgTable;
  orgId: AnyPgColumn;
  customerId: AnyPgColumn;
  /** How the export lists the rows, e.g. newest first; unordered when absent. */
  order?: SQL[];
  /**
   * What the right to erasure does to this table's rows of the customer: 'delete' them (they are
   * nothing but the person's handles), or blank these columns (column key → value), so that the
   * rows stay and statistics stay true, or 'keep' them as they are (rows with nothing personal in
   * them). Required: a new table must decide, not inherit "keep all".
   */
  erase: 'delete' | 'keep' | Record<string, unknown>;
  /** Column keys left out of the export: bookkeeping such as hashes that says nothing of the person. */
  exportOmits?: string[];
}

/**
 * A response's answers without its free text: scales, yes/no and multiple choice stay; a string
 * stays only where the survey still names its question as a single choice (an option id). A
 * text answer of a deleted survey goes too: when in doubt, the person's words go.
 */
const answersWithoutFreeText = sql`case when ${feedback.answers} is null then null else (
  select coalesce(jsonb_agg(a.answer order by a.n), '[]'::jsonb)
  from jsonb_array_elements(${feedback.answers}) with ordinality as a(answer, n)
  where jsonb_typeof(a.answer -> 'value') <> 'string'
     or exists (
       select 1 from ${surveys} s, jsonb_array_elements(s.questions) q
       where s.id = ${feedback.surveyId} and q ->> 'id' = a.answer ->> 'questionId' and q ->> 'type' = 'single_choice')
) end`;

/**
 * Every table with a `customer_id`, in the order merge, erasure and export visit them (and the
 * export document lists them). One list rather than registration by each domain, so that a table
 * cannot be forgotten because its module was not imported: test/api/customer-links.test.ts walks
 * the tables and fails on one that is missing here.
 */
export const customerLinks: readonly CustomerLink[] = [
  {
    name: 'identities',
    table: customerIdentities,
    orgId: customerIdentities.orgId,
    customerId: customerIdentities.customerId,
    order: [asc(customerIdentities.createdAt), asc(customerIdentities.id)],
    erase: 'delete',
  },
  {
    name: 'purchases',
    table: purchases,
    orgId: purchases.orgId,
    customerId: purchases.customerId,
    order: [desc(purchases.purchasedAt), desc(purchases.id)],
    // Product, date and value stay for statistics; the why and the promises may describe the person.
    erase: { reason: null, promises: [] },
  },
  {
    name: 'feedback',
    table: feedback,
    orgId: feedback.orgId,
    customerId: feedback.customerId,
    order: [desc(feedback.createdAt), desc(feedback.id)],
    // Scores, choices, solved and reasons stay for insights; free text and the page they were on go.
    erase: { comment: null, context: null, answers: answersWithoutFreeText },
    exportOmits: ['payloadHash', 'idempotencyKey'],
  },
  {
    name: 'complaints',
    table: complaints,
    orgId: complaints.orgId,
    customerId: complaints.customerId,
    order: [desc(complaints.createdAt), desc(complaints.id)],
    // Category, status and dates stay for complaint statistics; what the person wrote goes.
    erase: { contact: null, description: '(erased)', desiredOutcome: null },
    exportOmits: ['trackingTokenHash', 'payloadHash', 'idempotencyKey'],
  },
  {
    name: 'touchpoints',
    table: touchpoints,
    orgId: touchpoints.orgId,
    customerId: touchpoints.customerId,
    order: [desc(touchpoints.recordedAt), desc(touchpoints.id)],
    // Channel, kind, status and dates stay, so contact counts stay true; what was said goes.
    erase: { summary: null, outcome: null, message: null, cancelReason: null },
  },
  {
    name: 'carePlanOccurrences',
    table: carePlanOccurrences,
    orgId: carePlanOccurrences.orgId,
    customerId: carePlanOccurrences.customerId,
    order: [desc(carePlanOccurrences.dueAt), desc(carePlanOccurrences.id)],
    // Plan, date, status and a reason code: nothing the person said.
    erase: 'keep',
  },
];
