import { and, eq, sql } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { events, feedback, unsolvedReasons, type SubmissionContext } from '../db/tables/index.ts';
import { emit } from '../events/emit.ts';
import { submissionEventFrom } from '../events/first-event.ts';
import type { Executor } from '../db/transaction.ts';
import { payloadHash, replayOrConflict } from '../intake/idempotency.ts';
import { customerForToken, publicLimits, submissionEnvelope } from '../intake/submission.ts';
import { agentRatingScale, scaleText } from '../shared/scales.ts';
import type { SiteTenant } from '../tenant/tenant.ts';
import { described, parseInput } from '../shared/validate.ts';

/** A comment on a resolution check is a sentence or two, not a complaint: complaints have their own form. */
export const RESOLUTION_COMMENT_MAX = 2000;

/** SubmitResolutionCheckInput in GraphQL. */
export const resolutionCheckInput = z
  .object({
    subject: described(
      z
        .string()
        .trim()
        .min(1, 'must not be empty')
        .max(publicLimits.subject, `must be at most ${publicLimits.subject} characters`),
      `What is judged: a page URL, article:<id>, answer:<id> or a complaint reference; at most ${publicLimits.subject} characters.`,
    ),
    solved: described(z.boolean(), 'The matter: solved, or the progress hoped for.'),
    reason: described(z.enum(unsolvedReasons).nullish(), 'Only when solved is false.'),
    comment: described(
      z
        .string()
        .max(RESOLUTION_COMMENT_MAX, `must be at most ${RESOLUTION_COMMENT_MAX} characters`)
        // Stored as given; only a blank comment counts as none.
        .transform((s) => (s.trim() ? s : null))
        .nullish(),
      `Free text, at most ${RESOLUTION_COMMENT_MAX} characters.`,
    ),
    agentRating: described(
      z
        .number()
        .int('must be a whole number')
        .min(agentRatingScale[0], `must be ${agentRatingScale[0]} to ${agentRatingScale[1]}`)
        .max(agentRatingScale[1], `must be ${agentRatingScale[0]} to ${agentRatingScale[1]}`)
        .nullish(),
      `The person: ${scaleText(agentRatingScale)} for the agent named in context.agentId (required with it).`,
    ),
    ...submissionEnvelope,
  })
  .superRefine((input, ctx) => {
    if (input.solved && input.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a reason is only given when the matter is not solved' });
    }
    // The person dimension needs a person: a rating without an agent could not be attributed.
    if (input.agentRating != null && !input.context?.agentId) {
      ctx.addIssue({ code: 'custom', path: ['agentRating'], message: 'requires context.agentId: the agent being rated' });
    }
  });

export interface FeedbackReceiptRow {
  id: string;
  createdAt: string;
}

/**
 * The one hot statement: every value a placeholder, so it is planned once per connection. The
 * feedback row and its event are written by one statement (a data-modifying CTE), so the event
 * commits with the row without a transaction; a replay inserts no row, so it records no event.
 * A new aggregate: sequence 1, no counter row (emit() starts after the max). Returns the row's
 * id and time through the event (aggregate id and occurredAt are exactly those).
 */
function insertStatement(db: Executor) {
  const p = (name: string) => sql.placeholder(name);
  const inserted = db.$with('inserted').as(
    db
      .insert(feedback)
      .values({
        orgId: p('orgId'),
        siteId: p('siteId'),
        kind: 'resolution_check',
        customerId: p('customerId'),
        subject: p('subject'),
        solved: p('solved'),
        reason: p('reason'),
        comment: p('comment'),
        agentRating: p('agentRating'),
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
        customerId: feedback.customerId,
        solved: feedback.solved,
        createdAt: feedback.createdAt,
      }),
  );
  return db
    .with(inserted)
    .insert(events)
    .select(
      submissionEventFrom(
        'feedback.resolution_check_received',
        sql`jsonb_build_object('siteId', i.site_id, 'customerId', i.customer_id, 'solved', i.solved)`,
      ),
    )
    .returning({ id: events.aggregateId, createdAt: events.occurredAt })
    .prepare('submit_resolution_check');
}

type InsertStatement = ReturnType<typeof insertStatement>;

/**
 * Prepared once per database. A statement prepared on the database runs on the pool, never
 * inside a transaction, so the token path (which must share the customer stub's transaction)
 * prepares its own on the transaction; postgres.js still reuses the server-side plan by text.
 */
const preparedByDb = new WeakMap<Database, InsertStatement>();

function preparedInsert(db: Database): InsertStatement {
  let prepared = preparedByDb.get(db);
  if (!prepared) {
    prepared = insertStatement(db);
    preparedByDb.set(db, prepared);
  }
  return prepared;
}

/**
 * "Did this solve your problem?" from a widget. Without a customer token it is one statement
 * (atomic on its own); with one, the customer lookup (or stub) and the insert share one
 * transaction, so a failed insert leaves no stub behind and a bad token stores nothing.
 */
export async function submitResolutionCheck(tenant: SiteTenant, raw: unknown): Promise<FeedbackReceiptRow> {
  const input = parseInput(resolutionCheckInput, raw, ['input']);
  const token = input.customerToken;
  const { db } = tenant;
  const at = tenant.clock.now().toISOString();
  if (!token) return insertOrReplay(db, tenant, input, { id: null, externalId: null }, preparedInsert(db), at);
  return db.transaction(async (tx) => {
    const id = await customerForToken(tx, tenant, token);
    // Verified just above; read again only for the externalId the idempotency hash names.
    const externalId = decodeJwt(token).sub?.trim() ?? null;
    return insertOrReplay(tx, tenant, input, { id, externalId }, insertStatement(tx), at);
  });
}

type ResolutionCheckInput = z.output<typeof resolutionCheckInput>;

async function insertOrReplay(
  db: Executor,
  tenant: SiteTenant,
  input: ResolutionCheckInput,
  customer: { id: string | null; externalId: string | null },
  insert: InsertStatement,
  createdAt: string,
): Promise<FeedbackReceiptRow> {
  const { site } = tenant;
  const context: SubmissionContext | null = input.context && Object.keys(input.context).length ? input.context : null;
  const fields = {
    subject: input.subject,
    solved: input.solved,
    reason: input.reason ?? null,
    comment: input.comment ?? null,
    agentRating: input.agentRating ?? null,
    context,
    locale: input.locale ?? null,
  };
  // Everything the widget submitted, nulls spelled out so "absent" and "null" hash alike. The
  // customer counts by the externalId the token names, not by the token (re-signed, expiring)
  // nor by the stored id (a merge or an erasure in between must not turn a retry into a conflict).
  const hash = payloadHash({ kind: 'resolution_check', customer: customer.externalId, ...fields });
  // Spelled out rather than spread: V8 makes `{ ...fields, more }` slow (about 0.7 µs per
  // property added after the spread, 4 µs here), and this runs on every submission.
  const [created] = await insert.execute({
    subject: fields.subject,
    solved: fields.solved,
    reason: fields.reason,
    comment: fields.comment,
    agentRating: fields.agentRating,
    context: fields.context,
    locale: fields.locale,
    customerId: customer.id,
    orgId: site.orgId,
    siteId: site.id,
    idempotencyKey: input.idempotencyKey,
    payloadHash: hash,
    createdAt,
  });
  if (created) return created;
  // The key is taken (a replay, a completion or a conflict): off the hot path from here on.
  const hashWith = (parts: Partial<LaterParts>) => payloadHash({ kind: 'resolution_check', customer: customer.externalId, ...fields, ...parts });
  return completeOrReplay(db, tenant, input.idempotencyKey, hashWith, fields, hash);
}

/**
 * The parts of an answer that may follow it under the same idempotency key: the widget stores
 * Yes or No as soon as it is clicked, then sends the answer again with the agent's rating and,
 * for a No, its reason and comment, once the person gives them. (A Yes takes no reason and,
 * from the widget, no comment: one added to a Yes stays a conflict.)
 */
const LATER_PARTS = ['reason', 'comment', 'agentRating'] as const;
type LaterParts = { reason: ResolutionCheckInput['reason'] | null; comment: string | null; agentRating: number | null };
const addable = (part: keyof LaterParts, solved: boolean) => part === 'agentRating' || !solved;

/**
 * The idempotency key is taken: the stored row is this submission's (same hash: a replay, the
 * first result), or this is the same answer completed, or a conflict. Completed means: with
 * the stored row's later parts put in, the payload hashes as the stored one (so everything else
 * is the same), and each later part given is either the stored one or one the row lacks (and
 * may take). The
 * parts it lacks are then set on that row, with the hash of the completed payload, so a replay
 * of the completed answer is a plain replay again. A part given that differs from a stored one
 * is a conflict; a replay that lacks parts the row has (the first send, arriving late) gets the
 * first result. Stored hashes keep their meaning: the hash is always of the row as it stands.
 */
async function completeOrReplay(
  db: Executor,
  tenant: SiteTenant,
  idempotencyKey: string,
  hashWith: (parts: Partial<LaterParts>) => string,
  given: LaterParts & { solved: boolean },
  hash: string,
): Promise<FeedbackReceiptRow> {
  const { site } = tenant;
  // Two completions at once: the second one's conditional update finds the hash changed and
  // reads the row again, then is a replay of what the first one stored.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [existing] = await db
      .select({
        id: feedback.id,
        createdAt: feedback.createdAt,
        payloadHash: feedback.payloadHash,
        reason: feedback.reason,
        comment: feedback.comment,
        agentRating: feedback.agentRating,
      })
      .from(feedback)
      .where(and(eq(feedback.orgId, site.orgId), eq(feedback.siteId, site.id), eq(feedback.idempotencyKey, idempotencyKey)))
      .limit(1);
    // ON CONFLICT waited for the first writer to commit, so its row is visible to this statement.
    if (!existing) throw new Error('idempotency conflict without a stored row');
    const receipt = { id: existing.id, createdAt: existing.createdAt };
    if (existing.payloadHash === hash) return receipt;
    const stored: LaterParts = { reason: existing.reason, comment: existing.comment, agentRating: existing.agentRating };
    const added: Partial<LaterParts> = {};
    for (const part of LATER_PARTS) {
      const value = given[part];
      if (value == null || value === stored[part]) continue;
      if (stored[part] != null || !addable(part, given.solved)) return replayOrConflict(existing, hash);
      (added as Record<string, unknown>)[part] = value;
    }
    // Anything but the later parts differs: a conflict.
    if (hashWith(stored) !== existing.payloadHash) return replayOrConflict(existing, hash);
    if (!Object.keys(added).length) return receipt;
    // The completion and its event commit together (a savepoint when db is already the token's transaction).
    const updated = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(feedback)
        .set({ ...added, payloadHash: hashWith({ ...stored, ...added }) })
        .where(and(eq(feedback.id, existing.id), eq(feedback.payloadHash, existing.payloadHash!)))
        .returning({ id: feedback.id, createdAt: feedback.createdAt });
      if (row) {
        await emit(tx, tenant, {
          type: 'feedback.resolution_check_completed',
          aggregateId: row.id,
          payload: { fields: Object.keys(added).sort(), agentRating: added.agentRating ?? null },
        });
      }
      return row;
    });
    if (updated) return updated;
  }
  throw new Error('the answer kept changing while it was completed');
}
