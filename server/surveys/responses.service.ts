import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { perDatabase } from '../db/per-database.ts';
import { events, feedback, surveys } from '../db/tables/index.ts';
import type { Transaction } from '../db/transaction.ts';
import { submissionEventFrom } from '../events/first-event.ts';
import { payloadHash, replayOrConflict } from '../intake/idempotency.ts';
import { customerForToken, submissionEnvelope } from '../intake/submission.ts';
import { CareloopError, NotFoundError } from '../shared/errors.ts';
import { described, parseInput } from '../shared/validate.ts';
import { answerScales, scaleText } from '../shared/scales.ts';
import type { SiteRow } from '../sites/sites.service.ts';
import type { SiteTenant, Tenant } from '../tenant/tenant.ts';
import { canonicalLocale } from './locales.ts';
import { checkAnswers } from './surveys.answers.ts';
import { surveyLimits } from './surveys.input.ts';
import type { StoredQuestion } from './surveys.questions.ts';
import type { SurveyRow } from './surveys.service.ts';

const publicSurveyQuery = (db: Database) =>
  db
    .select()
    .from(surveys)
    .where(
      and(
        eq(surveys.orgId, sql.placeholder('orgId')),
        eq(surveys.key, sql.placeholder('key')),
        eq(surveys.status, 'active'),
      ),
    )
    .limit(1)
    .prepare('public_survey_by_key');

const preparedSurveyQuery = perDatabase(publicSurveyQuery);

/** The active survey with this key in the org, for widgets; undefined for any other. */
export async function findActiveSurvey({ db, orgId }: Tenant, key: string): Promise<SurveyRow | undefined> {
  if (key.length > surveyLimits.keyLength) return undefined;
  const [row] = await preparedSurveyQuery(db).execute({ orgId, key });
  return row;
}

const answerInput = described(
  z.object({
    questionKey: described(
      z.string().max(surveyLimits.idLength * 2, 'is too long'),
      'PublicQuestion.key of the question answered.',
    ),
    value: described(
      z.unknown(),
      `A whole number for RATING (${scaleText(answerScales.rating)}), NPS (${scaleText(answerScales.nps)}) and CES (${scaleText(answerScales.ces)}); an option key (PublicOption.key) for SINGLE_CHOICE; option keys for MULTIPLE_CHOICE; a string of at most ${surveyLimits.answerText} characters for TEXT; a boolean for YES_NO.`,
    ),
  }),
  'The answer to one question.',
  { title: 'SurveyAnswerInput' },
);

/** SubmitSurveyResponseInput in GraphQL. */
export const submitSurveyResponseInput = z.object({
  surveyKey: described(
    z.string().min(1, 'must not be empty').max(surveyLimits.keyLength, `must be at most ${surveyLimits.keyLength} characters`),
    'The key of the survey answered.',
  ),
  answers: described(
    z.array(answerInput).max(surveyLimits.questions, `must have at most ${surveyLimits.questions} answers`),
    `One per question answered, at most ${surveyLimits.questions}; every required question needs one.`,
  ),
  ...submissionEnvelope,
});

export interface Receipt {
  id: string;
  createdAt: string;
}

/**
 * The survey a response is checked against. `for key share` is the lock the foreign key takes
 * anyway when the row is inserted; taken here, it also makes an updateSurvey (which locks the
 * row for update) wait for this response, or this response wait for the updated questions.
 */
async function surveyForResponse(tx: Transaction, orgId: string, key: string) {
  const [row] = await tx
    .select({ id: surveys.id, kind: surveys.kind, questions: surveys.questions })
    .from(surveys)
    .where(and(eq(surveys.orgId, orgId), eq(surveys.key, key), eq(surveys.status, 'active')))
    .limit(1)
    .for('key share')
    .prepare('survey_for_response')
    .execute();
  return row;
}

async function findByIdempotencyKey(tx: Transaction, site: SiteRow, idempotencyKey: string) {
  const [row] = await tx
    .select({ id: feedback.id, createdAt: feedback.createdAt, payloadHash: feedback.payloadHash })
    .from(feedback)
    .where(and(eq(feedback.orgId, site.orgId), eq(feedback.siteId, site.id), eq(feedback.idempotencyKey, idempotencyKey)))
    .limit(1);
  return row;
}

/**
 * The response and its event in one statement (a data-modifying CTE), as resolution checks
 * and complaints have: one round trip fewer in the response's transaction. A replay inserts no
 * row and so records no event. Returns the row's id and time through the event.
 */
function insertStatement(tx: Transaction) {
  const p = (name: string) => sql.placeholder(name);
  const inserted = tx.$with('inserted').as(
    tx
      .insert(feedback)
      .values({
        orgId: p('orgId'),
        siteId: p('siteId'),
        kind: 'survey_response',
        surveyId: p('surveyId'),
        customerId: p('customerId'),
        answers: p('answers'),
        score: p('score'),
        context: p('context'),
        locale: p('locale'),
        idempotencyKey: p('idempotencyKey'),
        payloadHash: p('payloadHash'),
        createdAt: p('createdAt'),
      })
      .onConflictDoNothing({ target: [feedback.orgId, feedback.siteId, feedback.idempotencyKey] })
      .returning({
        id: feedback.id,
        orgId: feedback.orgId,
        siteId: feedback.siteId,
        surveyId: feedback.surveyId,
        customerId: feedback.customerId,
        score: feedback.score,
        createdAt: feedback.createdAt,
      }),
  );
  return tx
    .with(inserted)
    .insert(events)
    .select(
      submissionEventFrom(
        'feedback.survey_response_received',
        sql`jsonb_build_object('siteId', i.site_id, 'surveyId', i.survey_id, 'customerId', i.customer_id, 'score', i.score)`,
      ),
    )
    .returning({ id: events.aggregateId, createdAt: events.occurredAt })
    .prepare('insert_survey_response');
}

/**
 * Stores a survey response from a widget, once per idempotency key. The payload hash covers
 * what the client sent, with the customer as resolved from the token (a refreshed token for
 * the same customer is the same payload), and not the survey's current questions: a retry of a
 * stored response still gets its receipt after the survey changed or was archived.
 */
export async function submitSurveyResponse(tenant: SiteTenant, raw: unknown): Promise<Receipt> {
  const input = parseInput(submitSurveyResponseInput, raw);
  const { db, orgId, site } = tenant;
  const context = input.context && Object.keys(input.context).length > 0 ? input.context : null;
  const locale = input.locale ? (canonicalLocale(input.locale) ?? input.locale) : null;
  return db.transaction(async (tx) => {
    const customerId = await customerForToken(tx, tenant, input.customerToken);
    // Hashed in the shape of before the API said questionKey, so stored hashes keep their meaning
    // (a retry across the rename still gets its receipt).
    const answers = input.answers.map((a) => ({ questionId: a.questionKey, value: a.value }));
    const hash = payloadHash({ surveyKey: input.surveyKey, answers, context, locale, customerId });
    const replay = async (failure: CareloopError) => {
      const existing = await findByIdempotencyKey(tx, site, input.idempotencyKey);
      if (existing) return replayOrConflict(existing, hash);
      throw failure;
    };
    const survey = await surveyForResponse(tx, orgId, input.surveyKey);
    if (!survey) return replay(new NotFoundError('Survey', input.surveyKey));
    let checked;
    try {
      checked = checkAnswers(survey.kind, survey.questions as StoredQuestion[], input.answers);
    } catch (error) {
      if (error instanceof CareloopError) return replay(error);
      throw error;
    }
    const [row] = await insertStatement(tx).execute({
      orgId,
      siteId: site.id,
      surveyId: survey.id,
      customerId,
      answers: checked.answers,
      score: checked.score ?? null,
      context,
      locale,
      idempotencyKey: input.idempotencyKey,
      payloadHash: hash,
      createdAt: tenant.clock.now().toISOString(),
    });
    if (row) return row;
    return replayOrConflict((await findByIdempotencyKey(tx, site, input.idempotencyKey))!, hash);
  });
}
