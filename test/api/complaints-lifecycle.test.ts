import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { agents, complaintMessages, complaintRecoveryActions, organizations } from '../../server/db/tables/index.ts';
import { test as it } from '../helpers/fixtures.ts';
import { careTeamOf, ok } from './care-team-fixtures.ts';
import { complaintStatus } from './complaints-fixtures.ts';
import {
  filedComplaint,
  forceStatus,
  staff,
  staffOk,
  storedComplaint,
  storedEvents,
  type Json,
  type StaffAction,
} from './complaints-lifecycle-fixtures.ts';

const T0 = '2031-03-03T09:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const iso = (stored: string | null | undefined) => (stored ? new Date(stored).toISOString() : stored);

const people: Record<string, Json> = {};

it.beforeAll(async ({ api }) => {
  api.clock.set(T0);
  const team = careTeamOf(api.asA);
  const billing = ok(await team.createTeam({ name: 'Billing' }));
  const second = ok(await team.createTeam({ name: 'Second line' }));
  people.billing = billing;
  people.second = second;
  people.mei = ok(await team.createAgent({ name: 'Mei', email: 'mei@shop.example', teamId: billing.id }));
  people.omar = ok(await team.createAgent({ name: 'Omar', email: 'omar@shop.example', teamId: second.id }));
  people.gone = ok(await team.createAgent({ name: 'Gone', email: 'gone@shop.example' }));
  ok(await team.deactivateAgent(people.gone.id));
  people.foreign = ok(await careTeamOf(api.asB).createAgent({ name: 'B agent', email: 'b@b.example' }));
});

describe('staff lifecycle', () => {
  it('happy path: acknowledge, triage, assign, update, ask, resolve, close — counters, events, acting agent, timeline', async ({ api, widget }) => {
    api.clock.set(T0);
    const c = await filedComplaint(api, widget);
    const by = { complaintId: c.complaintId, actorAgentId: people.mei.id };

    api.clock.set(at(5));
    expect((await staffOk(api.asA, 'acknowledgeComplaint', by)).status).toBe('ACKNOWLEDGED');
    api.clock.set(at(10));
    await staffOk(api.asA, 'triageComplaint', { ...by, severity: 'HIGH', complainantType: 'VOICER' });
    api.clock.set(at(15));
    expect((await staffOk(api.asA, 'assignComplaint', { ...by, agentId: people.mei.id, reason: 'Billing question' })).status).toBe('IN_PROGRESS');
    api.clock.set(at(20));
    await staffOk(api.asA, 'addComplaintNote', { ...by, body: 'We are checking the invoice.', visibility: 'CUSTOMER' });
    api.clock.set(at(25));
    expect((await staffOk(api.asA, 'requestCustomerInfo', { ...by, message: 'Please send the invoice number.' })).status).toBe('AWAITING_CUSTOMER');
    api.clock.set(at(30));
    await staffOk(api.asA, 'recordRecoveryAction', { ...by, type: 'REFUND', description: 'Refunded the shipping', valueCents: 1500, currency: 'eur' });
    api.clock.set(at(40));
    expect((await staffOk(api.asA, 'resolveComplaint', { ...by, resolution: 'We refunded the shipping costs.' })).status).toBe('RESOLVED');
    api.clock.set(at(50));
    const closed = await staffOk(api.asA, 'closeComplaint', by);
    expect(closed.status).toBe('CLOSED');

    const row = await storedComplaint(api, c.rowId);
    expect({
      acknowledgedAt: iso(row.acknowledgedAt),
      firstResponseAt: iso(row.firstResponseAt),
      resolvedAt: iso(row.resolvedAt),
      firstResolvedAt: iso(row.firstResolvedAt),
      closedAt: iso(row.closedAt),
      followUpDueAt: iso(row.followUpDueAt),
      updatedAt: iso(row.updatedAt),
    }).toEqual({
      acknowledgedAt: at(5),
      firstResponseAt: at(20), // the customer-visible update, not the acknowledgement or the internal reason
      resolvedAt: at(40),
      firstResolvedAt: at(40),
      closedAt: at(50),
      followUpDueAt: new Date(Date.parse(at(50)) + 3 * 86_400_000).toISOString(),
      updatedAt: at(50),
    });
    expect(row).toMatchObject({ severity: 'high', complainantType: 'voicer', assigneeStations: 1, transferCount: 0, reopenCount: 0, escalated: false });
    expect(row.assigneeId).toBe(idOf(people.mei.id));

    expect(closed.history.map((e: Json) => [e.type, e.visibility])).toEqual([
      ['complaint.filed', 'PUBLIC'],
      ['complaint.acknowledged', 'PUBLIC'],
      ['complaint.triaged', 'INTERNAL'],
      ['complaint.sla_retargeted', 'INTERNAL'], // severity medium → high re-matched the SLA targets
      ['complaint.assigned', 'INTERNAL'],
      ['complaint.handling_started', 'PUBLIC'],
      ['complaint.customer_note', 'PUBLIC'],
      ['complaint.info_requested', 'PUBLIC'],
      ['complaint.recovery_recorded', 'INTERNAL'],
      ['complaint.resolved', 'PUBLIC'],
      ['complaint.closed', 'PUBLIC'],
    ]);
    expect(closed.history.map((e: Json) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // Every staff event: the API key is the actor, Mei the acting agent; the filing was the site.
    for (const event of closed.history.slice(1)) {
      expect(event).toMatchObject({ actorType: 'api_key', actingAgent: { id: people.mei.id, name: 'Mei' } });
    }
    expect(closed.history[0]).toMatchObject({ actorType: 'site', actingAgent: null });
    const stored = await storedEvents(api, c.rowId);
    expect(stored.slice(1).every((e) => e.actingAgentId === idOf(people.mei.id))).toBe(true);
    expect(stored.map((e) => iso(e.occurredAt))).toEqual([T0, at(5), at(10), at(10), at(15), at(15), at(20), at(25), at(30), at(40), at(50)]);

    // Texts live in messages, events carry their ids; no text in any payload.
    const messages: Json[] = closed.messages;
    expect(messages.map((m) => [m.kind, m.visibility, m.body])).toEqual([
      ['NOTE', 'INTERNAL', 'Billing question'],
      ['NOTE', 'PUBLIC', 'We are checking the invoice.'],
      ['INFO_REQUEST', 'PUBLIC', 'Please send the invoice number.'],
      ['RESOLUTION', 'PUBLIC', 'We refunded the shipping costs.'],
    ]);
    expect(messages.every((m) => m.authorType === 'AGENT' && m.agent.id === people.mei.id)).toBe(true);
    const payloads = JSON.stringify(closed.history.map((e: Json) => e.payload));
    for (const m of messages) expect(payloads).not.toContain(m.body);
    expect(closed.history.find((e: Json) => e.type === 'complaint.assigned').payload.messageId).toBe(messages[0]!.id);
    const [refund] = await api.db.db.select().from(complaintRecoveryActions).where(eq(complaintRecoveryActions.complaintId, c.rowId));
    expect(refund).toMatchObject({ type: 'refund', valueCents: 1500, currency: 'EUR', agentId: idOf(people.mei.id) });

    // The customer's timeline: the public steps in order, with their words; the assignee's name, never the email.
    const view = (await complaintStatus(widget, c.reference, c.trackingToken)).data;
    expect(view.timeline.map((e: Json) => [e.type, e.status, e.message])).toEqual([
      ['complaint.filed', 'NEW', null],
      ['complaint.acknowledged', 'ACKNOWLEDGED', null],
      ['complaint.handling_started', 'IN_PROGRESS', null],
      ['complaint.customer_note', null, 'We are checking the invoice.'],
      ['complaint.info_requested', 'AWAITING_CUSTOMER', 'Please send the invoice number.'],
      ['complaint.resolved', 'RESOLVED', 'We refunded the shipping costs.'],
      ['complaint.closed', 'CLOSED', null],
    ]);
    expect(view).toMatchObject({ status: 'CLOSED', agentName: 'Mei', canReply: false, canConfirm: false });
    expect(JSON.stringify(view)).not.toMatch(/mei@shop|Billing question|Refunded the shipping/);
  });

  it('two transfers: agent to agent, then to a team queue; each with its reason on the history', async ({ api, widget }) => {
    const c = await filedComplaint(api, widget);
    await staffOk(api.asA, 'assignComplaint', { complaintId: c.complaintId, agentId: people.mei.id });
    const first = await staffOk(api.asA, 'transferComplaint', { complaintId: c.complaintId, toAgentId: people.omar.id, reason: 'Needs second line' });
    expect(first.status).toBe('IN_PROGRESS');
    const second = await staffOk(api.asA, 'transferComplaint', { complaintId: c.complaintId, toTeamId: people.billing.id, reason: 'Back to billing' });
    const row = await storedComplaint(api, c.rowId);
    expect(row).toMatchObject({ transferCount: 2, assigneeStations: 2, assigneeId: null, teamId: idOf(people.billing.id) });
    const transfers = second.history.filter((e: Json) => e.type === 'complaint.transferred');
    expect(transfers.map((e: Json) => e.payload)).toEqual([
      {
        fromAgentId: idOf(people.mei.id),
        fromTeamId: idOf(people.billing.id),
        toAgentId: idOf(people.omar.id),
        toTeamId: idOf(people.second.id),
        messageId: expect.any(String),
      },
      { fromAgentId: idOf(people.omar.id), fromTeamId: idOf(people.second.id), toAgentId: null, toTeamId: idOf(people.billing.id), messageId: expect.any(String) },
    ]);
    const reasons = transfers.map((e: Json) => second.messages.find((m: Json) => m.id === e.payload.messageId));
    expect(reasons.map((m: Json) => [m.body, m.visibility])).toEqual([
      ['Needs second line', 'INTERNAL'],
      ['Back to billing', 'INTERNAL'],
    ]);
    const view = (await complaintStatus(widget, c.reference, c.trackingToken)).data;
    expect(JSON.stringify(view)).not.toMatch(/second line|Back to billing|transferred/i);
  });

  it('a transfer without a reason is refused with a ValidationError naming it, and changes nothing', async ({ api, widget }) => {
    const c = await filedComplaint(api, widget);
    await staffOk(api.asA, 'assignComplaint', { complaintId: c.complaintId, agentId: people.mei.id });
    const before = await storedEvents(api, c.rowId);
    for (const reason of [undefined, null, '', '   ']) {
      const result = await staff(api.asA, 'transferComplaint', { complaintId: c.complaintId, toAgentId: people.omar.id, reason });
      expect(result.__typename, String(reason)).toBe('ValidationError');
      expect(result.issues.map((i: Json) => i.path)).toEqual([['input', 'reason']]);
    }
    const both = await staff(api.asA, 'transferComplaint', { complaintId: c.complaintId, toAgentId: people.omar.id, toTeamId: people.billing.id, reason: 'x' });
    expect(both.__typename).toBe('ValidationError');
    expect(await storedEvents(api, c.rowId)).toHaveLength(before.length);
    expect((await storedComplaint(api, c.rowId)).transferCount).toBe(0);
  });

  it('an agent or team of another organization is NotFoundError; a deactivated agent is refused', async ({ api, widget }) => {
    const c = await filedComplaint(api, widget);
    const foreignActor = await staff(api.asA, 'acknowledgeComplaint', { complaintId: c.complaintId, actorAgentId: people.foreign.id });
    expect(foreignActor).toMatchObject({ __typename: 'NotFoundError', entity: 'Agent' });
    expect(await staff(api.asA, 'assignComplaint', { complaintId: c.complaintId, agentId: people.foreign.id })).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Agent',
    });
    const goneActor = await staff(api.asA, 'acknowledgeComplaint', { complaintId: c.complaintId, actorAgentId: people.gone.id });
    expect(goneActor.issues.map((i: Json) => i.path)).toEqual([['input', 'actorAgentId']]);
    const goneAssignee = await staff(api.asA, 'assignComplaint', { complaintId: c.complaintId, agentId: people.gone.id });
    expect(goneAssignee.issues.map((i: Json) => i.path)).toEqual([['input', 'agentId']]);
    // Org B cannot act on A's complaint, even naming its own agent.
    expect(await staff(api.asB, 'acknowledgeComplaint', { complaintId: c.complaintId, actorAgentId: people.foreign.id })).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Complaint',
    });
    expect((await storedComplaint(api, c.rowId)).status).toBe('new');
    expect(await storedEvents(api, c.rowId)).toHaveLength(1);
  });

  it('reopen: RESOLVED → REOPENED counts it, the internal reason stays internal, firstResolvedAt keeps the first', async ({ api, widget }) => {
    api.clock.set(T0);
    const c = await filedComplaint(api, widget);
    const id = { complaintId: c.complaintId };
    await staffOk(api.asA, 'assignComplaint', { ...id, agentId: people.mei.id });
    api.clock.set(at(10));
    await staffOk(api.asA, 'resolveComplaint', { ...id, resolution: 'Replaced the part.' });
    api.clock.set(at(20));
    const reopened = await staffOk(api.asA, 'reopenComplaint', { ...id, reason: 'QA found the fix incomplete (internal).' });
    expect(reopened.status).toBe('REOPENED');
    let row = await storedComplaint(api, c.rowId);
    expect(row).toMatchObject({ reopenCount: 1, resolvedAt: null });
    expect(iso(row.firstResolvedAt)).toBe(at(10));
    expect((await staffOk(api.asA, 'assignComplaint', { ...id, agentId: people.mei.id })).status).toBe('IN_PROGRESS');
    api.clock.set(at(30));
    await staffOk(api.asA, 'resolveComplaint', { ...id, resolution: 'Replaced the whole unit.' });
    await staffOk(api.asA, 'closeComplaint', id);
    api.clock.set(at(40));
    await staffOk(api.asA, 'reopenComplaint', { ...id, reason: 'Customer called back.' });
    row = await storedComplaint(api, c.rowId);
    expect(row).toMatchObject({ reopenCount: 2, status: 'reopened', closedAt: null, followUpDueAt: null, assigneeStations: 1 });
    expect(iso(row.firstResolvedAt)).toBe(at(10));
    const view = (await complaintStatus(widget, c.reference, c.trackingToken)).data;
    const reopenings = view.timeline.filter((e: Json) => e.type === 'complaint.reopened');
    expect(reopenings.map((e: Json) => [e.status, e.message])).toEqual([
      ['REOPENED', null],
      ['REOPENED', null],
    ]);
    expect(JSON.stringify(view)).not.toMatch(/QA found|called back/);
  });

  it('an internal note never reaches the public timeline; a customer note does, once', async ({ api, widget }) => {
    const c = await filedComplaint(api, widget);
    const internal = await staffOk(api.asA, 'addComplaintNote', { complaintId: c.complaintId, body: 'SECRET: customer is a journalist', visibility: 'INTERNAL' });
    expect(internal.history.at(-1)).toMatchObject({ type: 'complaint.internal_note', visibility: 'INTERNAL' });
    expect((await storedComplaint(api, c.rowId)).firstResponseAt).toBeNull();
    await staffOk(api.asA, 'addComplaintNote', { complaintId: c.complaintId, body: 'We have your case.', visibility: 'CUSTOMER' });
    const view = (await complaintStatus(widget, c.reference, c.trackingToken)).data;
    expect(view.timeline.map((e: Json) => [e.type, e.message])).toEqual([
      ['complaint.filed', null],
      ['complaint.customer_note', 'We have your case.'],
    ]);
    expect(JSON.stringify(view)).not.toContain('SECRET');
    expect(JSON.stringify(view)).not.toContain('internal_note');
  });

  it('escalation: an IRATE complainant or CRITICAL severity escalates once', async ({ api, widget }) => {
    api.clock.set(T0);
    const c = await filedComplaint(api, widget);
    await staffOk(api.asA, 'triageComplaint', { complaintId: c.complaintId, severity: 'LOW', complainantType: 'PASSIVE' });
    expect((await storedComplaint(api, c.rowId)).escalated).toBe(false);
    api.clock.set(at(5));
    await staffOk(api.asA, 'triageComplaint', { complaintId: c.complaintId, severity: 'MEDIUM', complainantType: 'IRATE', category: 'BILLING' });
    api.clock.set(at(9));
    const last = await staffOk(api.asA, 'triageComplaint', { complaintId: c.complaintId, severity: 'CRITICAL', complainantType: 'ACTIVIST' });
    const row = await storedComplaint(api, c.rowId);
    expect(row).toMatchObject({ escalated: true, category: 'billing', severity: 'critical', complainantType: 'activist' });
    expect(iso(row.escalatedAt)).toBe(at(5));
    const escalations = last.history.filter((e: Json) => e.type === 'complaint.escalated');
    expect(escalations.map((e: Json) => e.payload)).toEqual([{ reasons: ['complainant_type'] }]);
    expect(last.history.filter((e: Json) => e.type === 'complaint.triaged').map((e: Json) => e.payload.fields)).toEqual([
      ['complainantType', 'severity'],
      ['category', 'complainantType', 'severity'],
      ['complainantType', 'severity'],
    ]);
    const critical = await filedComplaint(api, widget);
    const crit = await staffOk(api.asA, 'triageComplaint', { complaintId: critical.complaintId, severity: 'CRITICAL', complainantType: 'VOICER' });
    expect(crit.history.filter((e: Json) => e.type === 'complaint.escalated').map((e: Json) => e.payload)).toEqual([{ reasons: ['severity'] }]);
  });

  it('recovery actions: ISO 4217 currency, value and currency together', async ({ api, widget }) => {
    const c = await filedComplaint(api, widget);
    const base = { complaintId: c.complaintId, type: 'COMPENSATION', description: 'Voucher' };
    const cases: [Json, string[]][] = [
      [{ valueCents: 500, currency: 'XYZ' }, ['input', 'currency']],
      [{ valueCents: 500 }, ['input', 'currency']],
      [{ currency: 'CNY' }, ['input', 'valueCents']],
      [{ valueCents: -1, currency: 'CNY' }, ['input', 'valueCents']],
    ];
    for (const [extra, path] of cases) {
      const result = await staff(api.asA, 'recordRecoveryAction', { ...base, ...extra });
      expect(result.__typename, JSON.stringify(extra)).toBe('ValidationError');
      expect(result.issues.map((i: Json) => i.path)).toContainEqual(path);
    }
    await staffOk(api.asA, 'recordRecoveryAction', { ...base, type: 'APOLOGY', description: 'Called to apologise' });
    api.clock.advance({ minutes: 1 });
    await staffOk(api.asA, 'recordRecoveryAction', { ...base, valueCents: 2000, currency: 'CNY' });
    const read = await api.asA.gql(`query($id: ID!) { complaint(id: $id) { recoveryActions { type description valueCents currency } } }`, { id: c.complaintId });
    expect(read.data!.complaint.recoveryActions).toEqual([
      { type: 'APOLOGY', description: 'Called to apologise', valueCents: null, currency: null },
      { type: 'COMPENSATION', description: 'Voucher', valueCents: 2000, currency: 'CNY' },
    ]);
  });

  it("closing sets followUpDueAt from the organization's followUpDays", async ({ api, newOrg }) => {
    await api.db.db.update(organizations).set({ complaintSettings: { followUpDays: 7 } }).where(eq(organizations.id, newOrg.id));
    const site = await api.createSite({ as: newOrg.as, allowedOrigins: ['https://follow.example'] });
    const widget = api.withSite(site.publishableKey, site.origin);
    const mine = ok(await careTeamOf(newOrg.as).createAgent({ name: 'Li', email: 'li@follow.example' }));
    const c = await filedComplaint(api, widget);
    api.clock.set(T0);
    await staffOk(newOrg.as, 'assignComplaint', { complaintId: c.complaintId, agentId: mine.id });
    await staffOk(newOrg.as, 'resolveComplaint', { complaintId: c.complaintId, resolution: 'Done.' });
    await staffOk(newOrg.as, 'closeComplaint', { complaintId: c.complaintId });
    expect(iso((await storedComplaint(api, c.rowId)).followUpDueAt)).toBe(new Date(Date.parse(T0) + 7 * 86_400_000).toISOString());
  });

  it('two transitions at once: the row lock lets one pass the check, the other sees its result', async ({ api, widget }) => {
    const c = await filedComplaint(api, widget);
    await staffOk(api.asA, 'assignComplaint', { complaintId: c.complaintId, agentId: people.mei.id });
    const results = await Promise.all([
      staff(api.asA, 'resolveComplaint', { complaintId: c.complaintId, resolution: 'First' }),
      staff(api.asA, 'resolveComplaint', { complaintId: c.complaintId, resolution: 'Second' }),
    ]);
    expect(results.map((r) => r.__typename).sort()).toEqual(['InvalidTransitionError', 'MutationResolveComplaintSuccess']);
    expect(results.find((r) => r.__typename === 'InvalidTransitionError')).toMatchObject({ currentStatus: 'RESOLVED' });
    const resolutions = await api.db.db.select().from(complaintMessages).where(eq(complaintMessages.complaintId, c.rowId));
    expect(resolutions.filter((m) => m.kind === 'resolution')).toHaveLength(1);
  });
});

describe('illegal transitions (every action from every status)', () => {
  const statuses = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'resolved', 'closed', 'reopened'] as const;
  const open = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened'];
  // Written out here rather than read from the code, so the test states the state machine.
  const allowed: Record<string, readonly string[]> = {
    acknowledgeComplaint: ['new'],
    triageComplaint: open,
    assignComplaint: open,
    transferComplaint: open,
    requestCustomerInfo: ['in_progress'],
    resolveComplaint: ['in_progress', 'awaiting_customer'],
    closeComplaint: ['resolved'],
    reopenComplaint: ['resolved', 'closed'],
    addComplaintNote: statuses,
    recordRecoveryAction: statuses,
  };
  const inputs = (): Record<string, Json> => ({
    acknowledgeComplaint: {},
    triageComplaint: { severity: 'LOW', complainantType: 'VOICER' },
    assignComplaint: { agentId: people.omar.id },
    transferComplaint: { toTeamId: people.second.id, reason: 'Routing' },
    requestCustomerInfo: { message: 'Which order?' },
    resolveComplaint: { resolution: 'Fixed.' },
    closeComplaint: {},
    reopenComplaint: { reason: 'Again.' },
    addComplaintNote: { body: 'n', visibility: 'INTERNAL' },
    recordRecoveryAction: { type: 'APOLOGY', description: 'Sorry' },
  });
  const cases = Object.keys(allowed).flatMap((action) => statuses.map((status) => [action, status] as const));

  it.for(cases)('%s from %s', async ([action, status], { api, widget }) => {
    const c = await filedComplaint(api, widget);
    // Assigned (for a transfer to have a desk to leave), then put in the status under test.
    await staffOk(api.asA, 'assignComplaint', { complaintId: c.complaintId, agentId: people.mei.id });
    await forceStatus(api, c.rowId, status);
    const before = (await storedEvents(api, c.rowId)).length;
    const result = await staff(api.asA, action as StaffAction, { complaintId: c.complaintId, ...inputs()[action] });
    if (allowed[action]!.includes(status)) {
      expect(result.__typename, JSON.stringify(result)).toMatch(/Success$/);
      return;
    }
    expect(result).toMatchObject({
      __typename: 'InvalidTransitionError',
      action,
      currentStatus: status.toUpperCase(),
      allowedStatuses: allowed[action]!.map((s) => s.toUpperCase()),
    });
    expect(result.message).toContain(status);
    expect(await storedEvents(api, c.rowId)).toHaveLength(before);
    expect((await storedComplaint(api, c.rowId)).status).toBe(status);
  });
});

/** The row id inside an Agent or Team global id. */
function idOf(globalId: string): string {
  return Buffer.from(globalId, 'base64').toString().split(':').slice(1).join(':');
}

void agents;
