import { and, eq } from 'drizzle-orm';
import { complaintCustomerRequests } from '../../db/tables/index.ts';
import type { Transaction } from '../../db/transaction.ts';
import { payloadHash, replayOrConflict } from '../../intake/idempotency.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { parseInput } from '../../shared/validate.ts';
import type { SiteTenant } from '../../tenant/tenant.ts';
import { normalizeReference, trackingTokenMatches } from '../complaint-codes.ts';
import { confirmInput, replyInput } from './lifecycle.input.ts';
import { changeLocked, closeLocked, lockComplaint, reopenLocked, type Change, type ComplaintRow } from './lifecycle.service.ts';
import { statusViewOf, trackedComplaint, type ComplaintStatusView } from './public-view.ts';
import { assertAllowed, type LifecycleAction } from './transitions.ts';

interface Tracked {
  reference: string;
  trackingToken: string;
  idempotencyKey: string;
}

/**
 * A customer's request on their complaint, found by reference and code like complaintStatus
 * (unknown, another organization's and a wrong code are one NotFoundError), in one transaction
 * on the locked row. A replay (same idempotency key and payload) changes nothing and returns the
 * view; the same key with another payload is a ConflictError.
 */
async function customerChange(
  tenant: SiteTenant,
  input: Tracked,
  action: LifecycleAction,
  payload: Record<string, unknown>,
  work: (change: Change) => Promise<void>,
): Promise<ComplaintStatusView> {
  const hash = payloadHash({ action, ...payload });
  const id = await tenant.db.transaction(async (tx) => {
    const row = await lockTracked(tx, tenant, input);
    if (await replayed(tx, tenant, row, input.idempotencyKey, hash)) return row.id;
    assertAllowed(action, row.status);
    await changeLocked(tx, tenant, row, null, work);
    await tx.insert(complaintCustomerRequests).values({
      orgId: tenant.orgId,
      complaintId: row.id,
      idempotencyKey: input.idempotencyKey,
      payloadHash: hash,
      createdAt: tenant.clock.now().toISOString(),
    });
    return row.id;
  });
  const view = await trackedComplaint(tenant.db, tenant.orgId, { id });
  return statusViewOf(view!);
}

async function lockTracked(tx: Transaction, { site }: SiteTenant, input: Tracked): Promise<ComplaintRow> {
  const reference = normalizeReference(input.reference);
  const row = reference ? await lockComplaint(tx, site.orgId, { reference }) : undefined;
  if (!trackingTokenMatches(input.trackingToken, row?.trackingTokenHash) || !row) throw new NotFoundError('Complaint');
  return row;
}

async function replayed(tx: Transaction, tenant: SiteTenant, row: ComplaintRow, idempotencyKey: string, hash: string): Promise<boolean> {
  const [existing] = await tx
    .select({ payloadHash: complaintCustomerRequests.payloadHash })
    .from(complaintCustomerRequests)
    .where(
      and(
        eq(complaintCustomerRequests.orgId, tenant.orgId),
        eq(complaintCustomerRequests.complaintId, row.id),
        eq(complaintCustomerRequests.idempotencyKey, idempotencyKey),
      ),
    );
  if (!existing) return false;
  replayOrConflict(existing, hash);
  return true;
}

/** The customer answers (AWAITING_CUSTOMER → IN_PROGRESS) or adds to an open complaint (status kept). */
export function replyToComplaint(tenant: SiteTenant, raw: unknown): Promise<ComplaintStatusView> {
  const input = parseInput(replyInput, raw, ['input']);
  return customerChange(tenant, input, 'replyToComplaint', { message: input.message }, async (change) => {
    const messageId = await change.message('reply', input.message, 'public', 'customer');
    const answers = change.row.status === 'awaiting_customer';
    await change.update(answers ? { status: 'in_progress' } : {});
    await change.event('complaint.customer_replied', answers ? { status: 'in_progress', messageId } : { messageId });
    await change.sla('customer_replied');
  });
}

/**
 * The two questions after RESOLVED: solved closes it (with the follow-up date), not solved
 * reopens it with the customer's reason (public: their own words) and counts the reopening.
 * The answers themselves (solved, the agent's rating) are an internal event; a comment an
 * internal message.
 */
export function confirmComplaintResolution(tenant: SiteTenant, raw: unknown): Promise<ComplaintStatusView> {
  const input = parseInput(confirmInput, raw, ['input']);
  if (input.solved && input.reason) {
    throw ValidationError.single(['input', 'reason'], 'is what is still wrong: only with solved false');
  }
  const answers = { solved: input.solved, reason: input.reason ?? null, comment: input.comment ?? null, agentRating: input.agentRating ?? null };
  return customerChange(tenant, input, 'confirmComplaintResolution', answers, async (change) => {
    const commentId = answers.comment ? await change.message('confirmation_comment', answers.comment, 'internal', 'customer') : null;
    await change.event('complaint.resolution_confirmed', { solved: answers.solved, agentRating: answers.agentRating, messageId: commentId });
    if (answers.solved) {
      await closeLocked(change);
      return;
    }
    const reasonId = answers.reason ? await change.message('reopen_reason', answers.reason, 'public', 'customer') : null;
    await reopenLocked(change, reasonId, 'customer');
  });
}
