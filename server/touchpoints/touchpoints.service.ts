import { and, eq } from 'drizzle-orm';
import { requireAgent, requireTeam, type AgentRow } from '../care-team/care-team.service.ts';
import { requireCustomer, requireNotErased, type CustomerRow } from '../customers/customers.rows.ts';
import { complaints, feedback, purchases, touchpoints } from '../db/tables/index.ts';
import type { Transaction } from '../db/transaction.ts';
import type { EventPayload, EventType } from '../events/catalogue.ts';
import { emit } from '../events/emit.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import { parseInput } from '../shared/validate.ts';
import type { Tenant } from '../tenant/tenant.ts';
import { customerForIdentity, type IdentityRef } from './identity-customer.ts';
import {
  cancelInput,
  completeInput,
  logInput,
  rescheduleInput,
  scheduleInput,
  touchpointLimits,
  type ScheduleInput,
} from './touchpoints.input.ts';
import { assertAllowed, type TouchpointAction } from './transitions.ts';

export type TouchpointRow = typeof touchpoints.$inferSelect;
type NewTouchpoint = typeof touchpoints.$inferInsert;

const DAY_MS = 86_400_000;

/** The rows a new touchpoint names by global id, decoded by the resolver (purchaseId is in the input: purchases are no nodes). */
export interface TouchpointRefs {
  customerId?: string | null;
  agentId?: string | null;
  teamId?: string | null;
  complaintId?: string | null;
  feedbackId?: string | null;
  /** The active agent doing it, recorded on the event beside the API key. */
  actorAgentId?: string | null;
}

/** The agent a mutation names (agentId, actorAgentId): of the org (else NotFoundError) and active. */
async function activeAgent(tx: Transaction, orgId: string, id: string | null | undefined, field: string): Promise<AgentRow | null> {
  if (!id) return null;
  const agent = await requireAgent(tx, orgId, id);
  if (!agent.active) throw ValidationError.single(['input', field], 'names a deactivated agent');
  return agent;
}

/**
 * A complaint, feedback item or purchase the touchpoint links to: of the org (else NotFoundError,
 * as an unknown id) and of the touchpoint's customer (a call about someone else's complaint is a
 * mistake the API refuses rather than records).
 */
async function requireLinked(
  tx: Transaction,
  orgId: string,
  customerId: string,
  link: { table: typeof complaints | typeof feedback | typeof purchases; entity: string; field: string; id: string | null | undefined },
): Promise<string | null> {
  if (!link.id) return null;
  const { table } = link;
  const [row] = await tx
    .select({ customerId: table.customerId })
    .from(table)
    .where(and(eq(table.orgId, orgId), eq(table.id, link.id)))
    .limit(1);
  if (!row) throw new NotFoundError(link.entity, link.id);
  if (row.customerId !== customerId) throw ValidationError.single(['input', link.field], `is a ${link.entity.toLowerCase()} of another customer`);
  return link.id;
}

function assertNotFuture(tenant: Tenant, at: string, field: string): void {
  const latest = tenant.clock.now().getTime() + touchpointLimits.futureToleranceSeconds * 1000;
  if (Date.parse(at) > latest) {
    throw ValidationError.single(['input', field], 'must not be in the future: schedule a touchpoint that has not happened yet');
  }
}

function assertSchedulable(tenant: Tenant, at: string, field: string): void {
  const now = tenant.clock.now().getTime();
  const time = Date.parse(at);
  if (time < now - touchpointLimits.schedulePastDays * DAY_MS) {
    throw ValidationError.single(['input', field], `must not be more than ${touchpointLimits.schedulePastDays} days ago`);
  }
  if (time > now + touchpointLimits.scheduleFutureDays * DAY_MS) {
    throw ValidationError.single(['input', field], `must not be more than ${touchpointLimits.scheduleFutureDays} days ahead`);
  }
}

/** Who, for whom and about what: checked in the transaction that writes the touchpoint. */
async function resolveParties(
  tx: Transaction,
  tenant: Tenant,
  customer: CustomerRow,
  refs: TouchpointRefs,
  purchaseId: string | null | undefined,
) {
  const { orgId } = tenant;
  const actor = await activeAgent(tx, orgId, refs.actorAgentId, 'actorAgentId');
  const agent = await activeAgent(tx, orgId, refs.agentId, 'agentId');
  // An agent's touchpoint is their team's unless another team is named.
  const teamId = refs.teamId ? (await requireTeam(tx, orgId, refs.teamId)).id : (agent?.teamId ?? null);
  return {
    actor,
    agentId: agent?.id ?? null,
    teamId,
    complaintId: await requireLinked(tx, orgId, customer.id, { table: complaints, entity: 'Complaint', field: 'complaintId', id: refs.complaintId }),
    feedbackId: await requireLinked(tx, orgId, customer.id, { table: feedback, entity: 'Feedback', field: 'feedbackId', id: refs.feedbackId }),
    purchaseId: await requireLinked(tx, orgId, customer.id, { table: purchases, entity: 'Purchase', field: 'purchaseId', id: purchaseId }),
  };
}

async function lockedCustomer(tx: Transaction, tenant: Tenant, id: string): Promise<CustomerRow> {
  // Locked, so a concurrent merge or erasure is waited for and its outcome seen.
  const customer = await requireCustomer(tx, tenant.orgId, id, true);
  requireNotErased(customer, ['input', 'customerId']);
  return customer;
}

async function insertTouchpoint(tx: Transaction, values: NewTouchpoint): Promise<TouchpointRow> {
  const [row] = await tx.insert(touchpoints).values(values).returning();
  return row!;
}

/**
 * A touchpoint after the fact (status DONE): the customer by id, or by a handle (found, or a new
 * customer created with it). occurredAt is when it happened; recordedAt is the clock's now.
 */
export async function logTouchpoint(tenant: Tenant, refs: TouchpointRefs, raw: unknown): Promise<TouchpointRow> {
  const input = parseInput(logInput, raw, ['input']);
  const { identity, purchaseId, ...fields } = input;
  if (!refs.customerId === !identity) {
    throw ValidationError.single(['input', refs.customerId ? 'identity' : 'customerId'], 'give exactly one of customerId and identity');
  }
  assertNotFuture(tenant, fields.occurredAt, 'occurredAt');
  return tenant.db.transaction(async (tx) => {
    const customer = identity
      ? await customerForIdentity(tx, tenant, identity as IdentityRef, ['input', 'identity'])
      : await lockedCustomer(tx, tenant, refs.customerId!);
    const parties = await resolveParties(tx, tenant, customer, refs, purchaseId);
    const now = tenant.clock.now().toISOString();
    const row = await insertTouchpoint(tx, {
      ...fields,
      stage: fields.stage ?? null,
      isPeak: fields.isPeak ?? false,
      isEnd: fields.isEnd ?? false,
      automated: fields.automated ?? false,
      occurredAt: new Date(fields.occurredAt).toISOString(),
      orgId: tenant.orgId,
      customerId: customer.id,
      status: 'done',
      agentId: parties.agentId,
      teamId: parties.teamId,
      complaintId: parties.complaintId,
      feedbackId: parties.feedbackId,
      purchaseId: parties.purchaseId,
      recordedAt: now,
      completedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    await emitFor(tx, tenant, row, parties.actor, 'touchpoint.logged', {
      status: 'done',
      customerId: customer.id,
      channel: row.channel,
      direction: row.direction,
      kind: row.kind,
      automated: row.automated,
    });
    return row;
  });
}

/** What a scheduled touchpoint is, once validated: for scheduleTouchpoint and for the care-plan scheduler. */
export interface ScheduledTouchpoint extends Omit<ScheduleInput, 'purchaseId'> {
  customerId: string;
  agentId: string | null;
  teamId: string | null;
  complaintId?: string | null;
  feedbackId?: string | null;
  purchaseId?: string | null;
  planOccurrenceId?: string | null;
  late?: boolean;
}

/**
 * Writes a SCHEDULED touchpoint and its event in the caller's transaction, without checking its
 * parties (the caller did): the care-plan scheduler creates its touchpoints through here.
 */
export async function insertScheduledTouchpoint(
  tx: Transaction,
  tenant: Tenant,
  values: ScheduledTouchpoint,
  actor: AgentRow | null = null,
): Promise<TouchpointRow> {
  const now = tenant.clock.now().toISOString();
  const row = await insertTouchpoint(tx, {
    ...values,
    stage: values.stage ?? null,
    direction: values.direction ?? 'outbound',
    isPeak: values.isPeak ?? false,
    isEnd: values.isEnd ?? false,
    automated: values.automated ?? false,
    late: values.late ?? false,
    scheduledFor: new Date(values.scheduledFor).toISOString(),
    orgId: tenant.orgId,
    status: 'scheduled',
    recordedAt: now,
    createdAt: now,
    updatedAt: now,
  });
  await emitFor(tx, tenant, row, actor, 'touchpoint.scheduled', {
    status: 'scheduled',
    customerId: row.customerId,
    channel: row.channel,
    kind: row.kind,
    scheduledFor: new Date(row.scheduledFor!).toISOString(),
    agentId: row.agentId,
    teamId: row.teamId,
    automated: row.automated,
    planOccurrenceId: row.planOccurrenceId,
  });
  return row;
}

export async function scheduleTouchpoint(tenant: Tenant, refs: TouchpointRefs, raw: unknown): Promise<TouchpointRow> {
  const input = parseInput(scheduleInput, raw, ['input']);
  if (!refs.customerId) throw ValidationError.single(['input', 'customerId'], 'is required');
  assertSchedulable(tenant, input.scheduledFor, 'scheduledFor');
  const { purchaseId, ...fields } = input;
  return tenant.db.transaction(async (tx) => {
    const customer = await lockedCustomer(tx, tenant, refs.customerId!);
    const { actor, ...parties } = await resolveParties(tx, tenant, customer, refs, purchaseId);
    return insertScheduledTouchpoint(tx, tenant, { ...fields, ...parties, customerId: customer.id }, actor);
  });
}

function emitFor<T extends EventType>(tx: Transaction, tenant: Tenant, row: TouchpointRow, actor: AgentRow | null, type: T, payload: EventPayload<T>) {
  return emit(tx, tenant, { type, aggregateId: row.id, payload, actingAgentId: actor?.id ?? null });
}

export interface TouchpointTarget {
  touchpointId: string;
  actorAgentId?: string | null;
}

/**
 * One change of a touchpoint's status: locks its row (FOR UPDATE), so two changes cannot both
 * pass the transition check (the second waits, then sees the first's status), checks the acting
 * agent and the transition, and writes the row and its event with one time.
 */
async function transition(
  tenant: Tenant,
  target: TouchpointTarget,
  action: TouchpointAction,
  change: (row: TouchpointRow, now: string) => { set: Partial<NewTouchpoint>; event: (after: TouchpointRow) => TransitionEvent },
): Promise<TouchpointRow> {
  return tenant.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(touchpoints)
      .where(and(eq(touchpoints.orgId, tenant.orgId), eq(touchpoints.id, target.touchpointId)))
      .limit(1)
      .for('update');
    if (!row) throw new NotFoundError('Touchpoint', target.touchpointId);
    const actor = await activeAgent(tx, tenant.orgId, target.actorAgentId, 'actorAgentId');
    assertAllowed(action, row.status);
    const now = tenant.clock.now().toISOString();
    const { set, event } = change(row, now);
    const [after] = await tx
      .update(touchpoints)
      .set({ ...set, updatedAt: now })
      .where(and(eq(touchpoints.orgId, tenant.orgId), eq(touchpoints.id, row.id)))
      .returning();
    const { type, payload } = event(after!);
    await emit(tx, tenant, { type, aggregateId: row.id, payload: payload as never, actingAgentId: actor?.id ?? null });
    return after!;
  });
}

/** An event of a transition, typed by its catalogue entry. */
interface TransitionEvent {
  type: EventType;
  payload: unknown;
}

const eventOf = <T extends EventType>(type: T, payload: EventPayload<T>) => ({ type, payload });

export function completeTouchpoint(tenant: Tenant, target: TouchpointTarget, raw: unknown): Promise<TouchpointRow> {
  const input = parseInput(completeInput, raw, ['input']);
  if (input.occurredAt) assertNotFuture(tenant, input.occurredAt, 'occurredAt');
  return transition(tenant, target, 'completeTouchpoint', (row, now) => ({
    set: {
      status: 'done',
      completedAt: now,
      occurredAt: input.occurredAt ? new Date(input.occurredAt).toISOString() : now,
      outcome: input.outcome ?? row.outcome,
      summary: input.summary ?? row.summary,
      sentiment: input.sentiment ?? row.sentiment,
      durationSeconds: input.durationSeconds ?? row.durationSeconds,
    },
    event: (after) =>
      eventOf('touchpoint.completed', { status: 'done', from: row.status, customerId: row.customerId, kind: row.kind, sentiment: after.sentiment }),
  }));
}

export function missTouchpoint(tenant: Tenant, target: TouchpointTarget): Promise<TouchpointRow> {
  return transition(tenant, target, 'missTouchpoint', (row, now) => ({
    set: { status: 'missed', missedAt: now },
    event: () => eventOf('touchpoint.missed', { status: 'missed', from: row.status, customerId: row.customerId, kind: row.kind }),
  }));
}

export function cancelTouchpoint(tenant: Tenant, target: TouchpointTarget, raw: unknown): Promise<TouchpointRow> {
  const input = parseInput(cancelInput, raw, ['input']);
  return transition(tenant, target, 'cancelTouchpoint', (row, now) => ({
    set: { status: 'cancelled', cancelledAt: now, cancelReason: input.reason },
    // The reason is words someone wrote: it stays on the touchpoint (erasure blanks it), not in the event.
    event: () => eventOf('touchpoint.cancelled', { status: 'cancelled', from: row.status, customerId: row.customerId, kind: row.kind }),
  }));
}

export function rescheduleTouchpoint(tenant: Tenant, target: TouchpointTarget, raw: unknown): Promise<TouchpointRow> {
  const input = parseInput(rescheduleInput, raw, ['input']);
  assertSchedulable(tenant, input.scheduledFor, 'scheduledFor');
  const scheduledFor = new Date(input.scheduledFor).toISOString();
  return transition(tenant, target, 'rescheduleTouchpoint', (row) => ({
    set: { status: 'scheduled', scheduledFor },
    event: () =>
      eventOf('touchpoint.rescheduled', {
        status: 'scheduled',
        from: row.status,
        customerId: row.customerId,
        kind: row.kind,
        scheduledFor,
        previousScheduledFor: row.scheduledFor ? new Date(row.scheduledFor).toISOString() : null,
      }),
  }));
}
