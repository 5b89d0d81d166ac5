import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { customers } from './customers.ts';
import { organizations } from './organizations.ts';
import { sites } from './sites.ts';
import { surveys } from './surveys.ts';

export const feedbackKinds = ['survey_response', 'resolution_check'] as const;
export const unsolvedReasons = ['not_solved', 'incomplete', 'wrong_answer', 'too_slow', 'other'] as const;

export const feedbackKind = pgEnum('feedback_kind', feedbackKinds);
export const unsolvedReason = pgEnum('unsolved_reason', unsolvedReasons);

/** Where a submission came from: the page, what was judged, the agent, the touchpoint… */
export interface SubmissionContext {
  pageUrl?: string;
  subject?: string;
  agentId?: string;
  touchpointId?: string;
  complaintReference?: string;
}

export interface SurveyAnswer {
  questionId: string;
  /** number for scales, string for text and single choice, string[] for multiple choice, boolean for yes/no. */
  value: number | string | string[] | boolean;
}

/** Survey responses and resolution checks: one table, so insights read one place. */
export const feedback = pgTable(
  'feedback',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    siteId: uuid('site_id').references(() => sites.id, { onDelete: 'set null' }),
    kind: feedbackKind('kind').notNull(),
    surveyId: uuid('survey_id').references(() => surveys.id, { onDelete: 'set null' }),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    subject: text('subject'),
    solved: boolean('solved'),
    reason: unsolvedReason('reason'),
    comment: text('comment'),
    agentRating: integer('agent_rating'),
    answers: jsonb('answers').$type<SurveyAnswer[]>(),
    /** CSAT 1–5, NPS 0–10 or CES 1–7, derived from the survey's scored question. */
    score: real('score'),
    context: jsonb('context').$type<SubmissionContext>(),
    locale: text('locale'),
    idempotencyKey: uuid('idempotency_key'),
    /** Hash of the submitted payload: a replayed key with another payload is a conflict. */
    payloadHash: text('payload_hash'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [
    uniqueIndex('feedback_org_site_idempotency_key').on(t.orgId, t.siteId, t.idempotencyKey),
    index('feedback_org_created_idx').on(t.orgId, t.createdAt, t.id),
    index('feedback_org_customer_idx').on(t.orgId, t.customerId, t.createdAt),
    index('feedback_org_survey_idx').on(t.orgId, t.surveyId, t.createdAt),
    index('feedback_org_subject_idx').on(t.orgId, t.subject, t.createdAt),
  ],
);
