import { and, eq, ne, type SQL } from 'drizzle-orm';
import { feedback, surveys, type SurveyQuestion } from '../db/tables/index.ts';
import type { Executor } from '../db/transaction.ts';
import { changedFields, emit } from '../events/emit.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../shared/errors.ts';
import { uniqueViolation } from '../shared/unique-violation.ts';
import { parseInput } from '../shared/validate.ts';
import type { Tenant } from '../tenant/tenant.ts';
import { createSurveyInput, updateSurveyInput } from './surveys.input.ts';
import { buildQuestions, shapeIssues, type StoredQuestion } from './surveys.questions.ts';

export type SurveyRow = typeof surveys.$inferSelect;
export type SurveyStatus = SurveyRow['status'];

export interface SurveyFilter {
  status?: SurveyStatus | null;
}

/** The list filter as SQL over `table`, which may be the alias the relational query gives it. */
export function surveyFilterSql(table: typeof surveys, orgId: string, filter: SurveyFilter = {}): SQL {
  return and(eq(table.orgId, orgId), filter.status ? eq(table.status, filter.status) : undefined)!;
}

export function countSurveys({ db, orgId }: Tenant, filter?: SurveyFilter): Promise<number> {
  return db.$count(surveys, surveyFilterSql(surveys, orgId, filter));
}

function throwIfAny(issues: FieldIssue[]): void {
  if (issues.length > 0) throw new ValidationError(issues);
}

const keyTaken = () => new ConflictError('Another survey of this organization already has this key', 'key');

/** A concurrent writer can slip past the key check; the unique index still names the field. */
async function withKeyConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (uniqueViolation(error)?.constraint?.includes('key')) throw keyTaken();
    throw error;
  }
}

async function assertKeyFree(tx: Executor, orgId: string, key: string, ownerId?: string): Promise<void> {
  const [holder] = await tx
    .select({ id: surveys.id })
    .from(surveys)
    .where(and(eq(surveys.orgId, orgId), eq(surveys.key, key), ownerId ? ne(surveys.id, ownerId) : undefined))
    .limit(1);
  if (holder) throw keyTaken();
}

export async function createSurvey(tenant: Tenant, raw: unknown): Promise<SurveyRow> {
  const { db, orgId } = tenant;
  const input = parseInput(createSurveyInput, raw);
  const issues: FieldIssue[] = [];
  const questions = buildQuestions(input.questions, input.defaultLocale, [], false, issues);
  throwIfAny(issues);
  throwIfAny(shapeIssues({ ...input, questions }, { title: true, thankYou: true, questions: true }));
  return withKeyConflict(() =>
    db.transaction(async (tx) => {
      const now = tenant.clock.now().toISOString();
      await assertKeyFree(tx, orgId, input.key);
      const [row] = await tx
        .insert(surveys)
        .values({ ...input, orgId, questions: questions as SurveyQuestion[], createdAt: now, updatedAt: now })
        .returning();
      await emit(tx, tenant, {
        type: 'survey.created',
        aggregateId: row!.id,
        payload: { key: row!.key, kind: row!.kind, status: row!.status },
      });
      return row!;
    }),
  );
}

/** Whether any response refers to the survey: then its question and option ids must stay valid. */
async function hasResponses(tx: Executor, orgId: string, surveyId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: feedback.id })
    .from(feedback)
    .where(and(eq(feedback.orgId, orgId), eq(feedback.surveyId, surveyId)))
    .limit(1);
  return row !== undefined;
}

/**
 * Absent fields are kept. The row is locked first: a response being stored takes a key-share
 * lock on it (see responses.service.ts), so either that response is visible to hasResponses or
 * it waits and is checked against the new questions.
 */
export async function updateSurvey(tenant: Tenant, id: string, raw: unknown): Promise<SurveyRow> {
  const { db, orgId } = tenant;
  const input = parseInput(updateSurveyInput, raw);
  return withKeyConflict(() =>
    db.transaction(async (tx) => {
      const current = await lockSurvey(tx, orgId, id);
      const defaultLocale = input.defaultLocale ?? current.defaultLocale;
      const issues: FieldIssue[] = [];
      const questions = input.questions
        ? buildQuestions(input.questions, defaultLocale, current.questions, await hasResponses(tx, orgId, id), issues)
        : (current.questions as StoredQuestion[]);
      throwIfAny(issues);
      const next = {
        kind: input.kind ?? current.kind,
        defaultLocale,
        title: input.title ?? current.title,
        thankYou: input.thankYou === undefined ? current.thankYou : input.thankYou,
        questions,
      };
      const given = { title: !!input.title, thankYou: input.thankYou !== undefined, questions: !!input.questions };
      throwIfAny(shapeIssues(next, given));
      if (input.key && input.key !== current.key) await assertKeyFree(tx, orgId, input.key, id);
      const [row] = await tx
        .update(surveys)
        .set({
          ...next,
          questions: questions as SurveyQuestion[],
          key: input.key ?? current.key,
          status: input.status ?? current.status,
          updatedAt: tenant.clock.now().toISOString(),
        })
        .where(and(eq(surveys.orgId, orgId), eq(surveys.id, id)))
        .returning();
      await emit(tx, tenant, { type: 'survey.updated', aggregateId: id, payload: { fields: changedFields(input) } });
      return row!;
    }),
  );
}

/** The survey, locked for the rest of the transaction (a concurrent update or archive waits); NotFound otherwise. */
async function lockSurvey(tx: Executor, orgId: string, id: string): Promise<SurveyRow> {
  const [current] = await tx
    .select()
    .from(surveys)
    .where(and(eq(surveys.orgId, orgId), eq(surveys.id, id)))
    .limit(1)
    .for('update');
  if (!current) throw new NotFoundError('Survey', id);
  return current;
}

/** Archived surveys are hidden from widgets and refuse responses; their responses remain. */
export async function archiveSurvey(tenant: Tenant, id: string): Promise<SurveyRow> {
  const { db, orgId } = tenant;
  return db.transaction(async (tx) => {
    const current = await lockSurvey(tx, orgId, id);
    // Archiving an archived survey changes nothing, so it records nothing (and keeps updatedAt).
    if (current.status === 'archived') return current;
    const [row] = await tx
      .update(surveys)
      .set({ status: 'archived', updatedAt: tenant.clock.now().toISOString() })
      .where(and(eq(surveys.orgId, orgId), eq(surveys.id, id)))
      .returning();
    await emit(tx, tenant, { type: 'survey.archived', aggregateId: id, payload: {} });
    return row!;
  });
}
