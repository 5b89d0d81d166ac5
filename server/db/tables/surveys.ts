import { index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.ts';

export const surveyStatuses = ['draft', 'active', 'archived'] as const;
export const surveyKinds = ['csat', 'nps', 'ces', 'custom'] as const;
export const questionTypes = ['rating', 'nps', 'ces', 'single_choice', 'multiple_choice', 'text', 'yes_no'] as const;

export const surveyStatus = pgEnum('survey_status', surveyStatuses);
export const surveyKind = pgEnum('survey_kind', surveyKinds);

/** Text in several locales: `{ "en": "…", "zh-CN": "…" }`. */
export type LocalizedText = Record<string, string>;

export interface SurveyQuestion {
  /** Stable across edits: answers refer to it. */
  id: string;
  type: (typeof questionTypes)[number];
  label: LocalizedText;
  required: boolean;
  options?: { id: string; label: LocalizedText }[];
  /** Ids kept for answers given before the question was removed. */
  retired?: boolean;
}

export const surveys = pgTable(
  'surveys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    title: jsonb('title').$type<LocalizedText>().notNull(),
    status: surveyStatus('status').notNull().default('draft'),
    kind: surveyKind('kind').notNull(),
    defaultLocale: text('default_locale').notNull().default('en'),
    questions: jsonb('questions').$type<SurveyQuestion[]>().notNull(),
    thankYou: jsonb('thank_you').$type<LocalizedText>(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [
    uniqueIndex('surveys_org_key_key').on(t.orgId, t.key),
    index('surveys_org_created_idx').on(t.orgId, t.createdAt),
  ],
);
