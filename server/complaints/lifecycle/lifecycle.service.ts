import { and, eq } from 'drizzle-orm';
import { requireAgent, requireTeam, type AgentRow } from '../../care-team/care-team.service.ts';
import { complaintMessages, complaintRecoveryActions, complaints, organizations } from '../../db/tables/index.ts';
import type { Transaction } from '../../db/transaction.ts';
import type { EventPayload, EventType } from '../../events/catalogue.ts';
import { emit } from '../../events/emit.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { parseInput } from '../../shared/validate.ts';
import type { Tenant } from '../../tenant/tenant.ts';
import { complaintSettingsOf } from '../sla/policy.ts';
import { applySlaTrigger, type SlaTrigger } from '../sla/triggers.ts';
import {
  assignInput,
  noteInput,
  recoveryInput,
  reopenInput,
  requestInfoInput,
  resolveInput,
  transferInput,
  triageInput,
} from './lifecycle.input.ts';
import { assertAllowed, startsHandling, type LifecycleAction, type Status } from './transitions.ts';

export type ComplaintRow = typeof complaints.$inferSelect;
type MessageKind = (typeof complaintMessages.$inferInsert)['kind'];

const DAY_MS = 86_400_000;

/**
 * One lifecycle change in the making, inside its transaction: the complaint as locked, the
 * acting agent, and the helpers that write its messages, events and row with one time.
 */
export interface Change {
  tx: Transaction;
  tenant: Tenant;
  row: ComplaintRow;
  /** The agent the mutation named (actorAgentId), checked active and of the org; null for a system. */
  actor: AgentRow | null;
  /** ISO, from the tenant's clock: updatedAt, the counters' times and the events' occurredAt agree. */
  now: string;
  message(kind: MessageKind, body: string, visibility: 'internal' | 'public', author?: 'agent' | 'customer'): Promise<string>;
  event<T extends EventType>(type: T, payload: EventPayload<T>): Promise<void>;
  update(set: Partial<ComplaintRow>): Promise<void>;
  sla(trigger: SlaTrigger): Promise<void>;
}

/**
 * Locks the complaint's row (SELECT … FOR UPDATE) so two changes cannot both pass the
 * transition check; the second waits and then sees the first's status. A complaint of another
 * organization is NotFoundError, as an unknown id.
 */
export async function lockComplaint(tx: Transaction, orgId: string, where: { id: string } | { reference: string }): Promise<ComplaintRow | undefined> {
  const match = 'id' in where ? eq(complaints.id, where.id) : eq(complaints.reference, where.reference);
  const [row] = await tx.select().from(complaints).where(and(eq(complaints.orgId, orgId), match)).limit(1).for('update');
  return row;
}

/** Runs one change to a locked complaint: the work, then the row's new state, in the caller's transaction. */
export async function changeLocked(
  tx: Transaction,
  tenant: Tenant,
  row: ComplaintRow,
  actor: AgentRow | null,
  work: (change: Change) => Promise<void>,
): Promise<void> {
  const now = tenant.clock.now().toISOString();
  /** The status before this change moved it (events that set payload.status also record it as payload.from). */
  let from: ComplaintRow['status'] | null = null;
  const change: Change = {
    tx,
    tenant,
    row,
    actor,
    now,
    async message(kind, body, visibility, author = 'agent') {
      const [message] = await tx
        .insert(complaintMessages)
        .values({
          orgId: tenant.orgId,
          complaintId: row.id,
          kind,
          authorType: author,
          agentId: author === 'agent' ? (actor?.id ?? null) : null,
          visibility,
          body,
          createdAt: now,
        })
        .returning({ id: complaintMessages.id });
      return message!.id;
    },
    event: (type, payload) => {
      const withFrom = from && typeof (payload as { status?: unknown }).status === 'string' ? { ...payload, from } : payload;
      return emit(tx, tenant, { type, aggregateId: row.id, payload: withFrom, actingAgentId: actor?.id ?? null });
    },
    async update(set) {
      if (set.status && set.status !== row.status) from = row.status;
      Object.assign(row, set, { updatedAt: now });
      await tx
        .update(complaints)
        .set({ ...set, updatedAt: now })
        .where(and(eq(complaints.orgId, tenant.orgId), eq(complaints.id, row.id)));
    },
    sla: (trigger) => applySlaTrigger(tx, tenant, row.id, trigger, { actingAgentId: actor?.id ?? null }),
  };
  await work(change);
}

/** The agent `actorAgentId` names: of this organization (else NotFoundError) and active. */
async function actingAgent(tx: Transaction, orgId: string, id: string | null | undefined): Promise<AgentRow | null> {
  if (!id) return null;
  const agent = await requireAgent(tx, orgId, id);
  if (!agent.active) throw ValidationError.single(['input', 'actorAgentId'], 'names a deactivated agent');
  return agent;
}


export interface StaffTarget {
  complaintId: string;
  actorAgentId?: string | null;
}

/**
 * A staff mutation: one transaction that locks the complaint, checks the acting agent and the
 * transition, and runs the change. Returns the complaint's id for the resolver's read.
 */
async function staffChange(
  tenant: Tenant,
  target: StaffTarget,
  action: LifecycleAction,
  work: (change: Change) => Promise<void>,
): Promise<string> {
  return tenant.db.transaction(async (tx) => {
    const row = await lockComplaint(tx, tenant.orgId, { id: target.complaintId });
    if (!row) throw new NotFoundError('Complaint', target.complaintId);
    const actor = await actingAgent(tx, tenant.orgId, target.actorAgentId);
    assertAllowed(action, row.status);
    await changeLocked(tx, tenant, row, actor, work);
    return row.id;
  });
}

/** Customer-visible staff action: the first one is the first response. */
const firstResponse = (change: Change): Partial<ComplaintRow> => (change.row.firstResponseAt ? {} : { firstResponseAt: change.now });

/** Moves the complaint to IN_PROGRESS (with its public event) when an assignment starts the work. */
async function startHandling(change: Change, status: Status): Promise<void> {
  if (!startsHandling(status)) return;
  await change.update({ status: 'in_progress' });
  await change.event('complaint.handling_started', { status: 'in_progress' });
}

export function acknowledgeComplaint(tenant: Tenant, target: StaffTarget): Promise<string> {
  return staffChange(tenant, target, 'acknowledgeComplaint', async (change) => {
    await change.update({ status: 'acknowledged', acknowledgedAt: change.now });
    await change.event('complaint.acknowledged', { status: 'acknowledged' });
  });
}

/** IRATE or ACTIVIST complainants and CRITICAL severity escalate; a complaint escalates once. */
export async function escalateIfNeeded(change: Change, reasons: string[]): Promise<void> {
  if (!reasons.length || change.row.escalated) return;
  await change.update({ escalated: true, escalatedAt: change.now });
  await change.event('complaint.escalated', { reasons });
}

export function triageComplaint(tenant: Tenant, target: StaffTarget, raw: unknown): Promise<string> {
  const input = parseInput(triageInput, raw, ['input']);
  return staffChange(tenant, target, 'triageComplaint', async (change) => {
    const { row } = change;
    const category = input.category ?? row.category;
    const fields = [
      input.severity !== row.severity && 'severity',
      input.complainantType !== row.complainantType && 'complainantType',
      category !== row.category && 'category',
    ]
      .filter((f): f is string => !!f)
      .sort();
    const severityChanged = input.severity !== row.severity;
    await change.update({ severity: input.severity, complainantType: input.complainantType, category });
    await change.event('complaint.triaged', { severity: input.severity, complainantType: input.complainantType, category, fields });
    const reasons = [
      (input.complainantType === 'irate' || input.complainantType === 'activist') && 'complainant_type',
      input.severity === 'critical' && 'severity',
    ].filter((r): r is string => !!r);
    await escalateIfNeeded(change, reasons);
    if (severityChanged) await change.sla('retarget');
  });
}

export function assignComplaint(tenant: Tenant, target: StaffTarget, agentId: string, raw: unknown): Promise<string> {
  const input = parseInput(assignInput, raw, ['input']);
  return staffChange(tenant, target, 'assignComplaint', async (change) => {
    const { row } = change;
    const agent = await requireAgent(change.tx, tenant.orgId, agentId);
    if (!agent.active) throw ValidationError.single(['input', 'agentId'], 'names a deactivated agent: they can no longer be assigned');
    const status = row.status;
    if (agent.id !== row.assigneeId || agent.teamId !== row.teamId) {
      const previousAgentId = row.assigneeId;
      const messageId = input.reason ? await change.message('note', input.reason, 'internal') : null;
      await change.update({
        assigneeId: agent.id,
        teamId: agent.teamId,
        assigneeStations: row.assigneeStations + (agent.id === previousAgentId ? 0 : 1),
      });
      await change.event('complaint.assigned', { agentId: agent.id, teamId: agent.teamId, previousAgentId, messageId });
    }
    await startHandling(change, status);
  });
}

export interface TransferTarget {
  toAgentId?: string | null;
  toTeamId?: string | null;
}

export function transferComplaint(tenant: Tenant, target: StaffTarget, to: TransferTarget, raw: unknown): Promise<string> {
  const input = parseInput(transferInput, raw, ['input']);
  const reason = input.reason;
  if (!reason) throw ValidationError.single(['input', 'reason'], 'is required: a transfer says why');
  if (!to.toAgentId === !to.toTeamId) {
    throw ValidationError.single(['input', to.toAgentId ? 'toTeamId' : 'toAgentId'], 'give exactly one of toAgentId and toTeamId');
  }
  return staffChange(tenant, target, 'transferComplaint', async (change) => {
    const { row, tx } = change;
    if (!row.assigneeId && !row.teamId) {
      throw ValidationError.single(['input', 'complaintId'], 'is not assigned to an agent or team yet: assign it first');
    }
    let toAgentId: string | null = null;
    let toTeamId: string | null;
    if (to.toAgentId) {
      const agent = await requireAgent(tx, tenant.orgId, to.toAgentId);
      if (!agent.active) throw ValidationError.single(['input', 'toAgentId'], 'names a deactivated agent: they can no longer be assigned');
      if (agent.id === row.assigneeId) throw ValidationError.single(['input', 'toAgentId'], 'is already the assignee');
      toAgentId = agent.id;
      toTeamId = agent.teamId;
    } else {
      toTeamId = (await requireTeam(tx, tenant.orgId, to.toTeamId!)).id;
      if (toTeamId === row.teamId && !row.assigneeId) throw ValidationError.single(['input', 'toTeamId'], 'is already the team');
    }
    const status = row.status;
    const from = { fromAgentId: row.assigneeId, fromTeamId: row.teamId };
    const messageId = await change.message('note', reason, 'internal');
    // To a team: off the agent's desk, into the team's queue.
    await change.update({
      assigneeId: toAgentId,
      teamId: toTeamId,
      transferCount: row.transferCount + 1,
      assigneeStations: row.assigneeStations + (toAgentId ? 1 : 0),
    });
    await change.event('complaint.transferred', { ...from, toAgentId, toTeamId, messageId });
    if (toAgentId) await startHandling(change, status);
  });
}

export function addComplaintNote(tenant: Tenant, target: StaffTarget, raw: unknown): Promise<string> {
  const input = parseInput(noteInput, raw, ['input']);
  return staffChange(tenant, target, 'addComplaintNote', async (change) => {
    if (input.visibility === 'internal') {
      const messageId = await change.message('note', input.body, 'internal');
      await change.update({});
      await change.event('complaint.internal_note', { messageId });
      return;
    }
    const messageId = await change.message('note', input.body, 'public');
    await change.update(firstResponse(change));
    await change.event('complaint.customer_note', { messageId });
    await change.sla('staff_public_reply');
  });
}

export function requestCustomerInfo(tenant: Tenant, target: StaffTarget, raw: unknown): Promise<string> {
  const input = parseInput(requestInfoInput, raw, ['input']);
  return staffChange(tenant, target, 'requestCustomerInfo', async (change) => {
    const messageId = await change.message('info_request', input.message, 'public');
    await change.update({ status: 'awaiting_customer', ...firstResponse(change) });
    await change.event('complaint.info_requested', { status: 'awaiting_customer', messageId });
    await change.sla('info_requested');
  });
}

export function recordRecoveryAction(tenant: Tenant, target: StaffTarget, raw: unknown): Promise<string> {
  const input = parseInput(recoveryInput, raw, ['input']);
  return staffChange(tenant, target, 'recordRecoveryAction', async (change) => {
    const [action] = await change.tx
      .insert(complaintRecoveryActions)
      .values({
        orgId: tenant.orgId,
        complaintId: change.row.id,
        type: input.type,
        description: input.description,
        valueCents: input.valueCents ?? null,
        currency: input.currency ?? null,
        agentId: change.actor?.id ?? null,
        createdAt: change.now,
      })
      .returning({ id: complaintRecoveryActions.id });
    await change.update({});
    await change.event('complaint.recovery_recorded', {
      recoveryActionId: action!.id,
      type: input.type,
      valueCents: input.valueCents ?? null,
      currency: input.currency ?? null,
    });
  });
}

export function resolveComplaint(tenant: Tenant, target: StaffTarget, raw: unknown): Promise<string> {
  const input = parseInput(resolveInput, raw, ['input']);
  return staffChange(tenant, target, 'resolveComplaint', async (change) => {
    const messageId = await change.message('resolution', input.resolution, 'public');
    await change.update({
      status: 'resolved',
      resolvedAt: change.now,
      firstResolvedAt: change.row.firstResolvedAt ?? change.now,
      ...firstResponse(change),
    });
    await change.event('complaint.resolved', { status: 'resolved', messageId });
    await change.sla('resolved');
  });
}

/** Closes a locked complaint: followUpDueAt = now + the organization's followUpDays (default 3). */
export async function closeLocked(change: Change): Promise<void> {
  const [org] = await change.tx
    .select({ settings: organizations.complaintSettings })
    .from(organizations)
    .where(eq(organizations.id, change.tenant.orgId));
  const { followUpDays } = complaintSettingsOf(org?.settings);
  const followUpDueAt = new Date(Date.parse(change.now) + followUpDays * DAY_MS).toISOString();
  await change.update({ status: 'closed', closedAt: change.now, followUpDueAt });
  await change.event('complaint.closed', { status: 'closed', followUpDueAt });
  await change.sla('closed');
}

export function closeComplaint(tenant: Tenant, target: StaffTarget): Promise<string> {
  return staffChange(tenant, target, 'closeComplaint', closeLocked);
}

/** Reopens a locked complaint: counted, no longer resolved or closed, follow-up off until it closes again. */
export async function reopenLocked(change: Change, messageId: string | null, by: 'staff' | 'customer'): Promise<void> {
  await change.update({
    status: 'reopened',
    reopenCount: change.row.reopenCount + 1,
    resolvedAt: null,
    closedAt: null,
    followUpDueAt: null,
  });
  await change.event('complaint.reopened', { status: 'reopened', messageId, by });
  await change.sla('reopened');
}

export function reopenComplaint(tenant: Tenant, target: StaffTarget, raw: unknown): Promise<string> {
  const input = parseInput(reopenInput, raw, ['input']);
  return staffChange(tenant, target, 'reopenComplaint', async (change) => {
    // A staff reason is internal: "an internal reason never reaches the public timeline".
    const messageId = await change.message('reopen_reason', input.reason, 'internal');
    await reopenLocked(change, messageId, 'staff');
  });
}
