import { describe, expect } from 'vitest';
import { dataOf, type Caller, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { careTeamOf, ok } from './care-team-fixtures.ts';
import { complaintStatus } from './complaints-fixtures.ts';
import { confirmResolution, filedComplaint, forceStatus, replyTo, staffOk, storedEvents, type Json } from './complaints-lifecycle-fixtures.ts';
import { clockOf, HOUR, officeHours, SLA_FIELDS, updateSettings, watch, widgetOfOrg } from './complaints-sla-fixtures.ts';

/**
 * Issue 10's "Done means" as whole journeys through the GraphQL API only: staff act with an API
 * key (acting agent named), the customer follows and answers with the site key, reference and
 * tracking code (complaintStatus, replyToComplaint, confirmComplaintResolution), time moves on the
 * file's TestClock and the periodic SLA watcher runs as its job does. Each journey ends by
 * comparing the customer's timeline with the internal history.
 */
const MONDAY_0900 = '2026-12-07T09:00:00.000Z';
const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000).toISOString();
const now = (api: TestApi) => api.clock.now().toISOString();
const DAY = 24 * HOUR;
const people: Record<string, Json> = {};
/** Every agent email of the file: none may ever reach a public answer. */
const emails: string[] = [];

it.beforeAll(async ({ api }) => {
  const team = careTeamOf(api.asA);
  people.desk = ok(await team.createTeam({ name: 'Front desk' }));
  people.returns = ok(await team.createTeam({ name: 'Returns' }));
  for (const [key, name, teamId] of [
    ['mei', 'Mei', people.desk.id],
    ['omar', 'Omar', people.desk.id],
    ['lin', 'Lin', people.returns.id],
  ] as const) {
    const email = `${key}.private@journeys.example`;
    people[key] = ok(await team.createAgent({ name, email, teamId }));
    emails.push(email);
  }
});

const STATE = `id status severity complainantType escalated escalatedAt transferCount reopenCount assigneeStations firstContactResolution
  acknowledgedAt firstResponseAt firstResolvedAt resolvedAt closedAt followUpDueAt nextDueAt
  assignee { name email } team { name }
  sla { ${SLA_FIELDS} }
  messages { id kind authorType visibility body }
  history { type sequence visibility occurredAt actorType payload actingAgent { name } }`;

/** The complaint as staff read it (API key). */
async function stateOf(caller: Caller, complaintId: string): Promise<Json> {
  return dataOf(await caller.gql(`query($id: ID!) { complaint(id: $id) { ${STATE} } }`, { id: complaintId })).complaint;
}

const typesOf = (history: Json[], ...types: string[]) => history.filter((e) => types.includes(e.type));

/**
 * The customer's view against the internal history: exactly the public events, in order, at their
 * times, with the status each left and the public message each points at; nothing internal (an
 * internal message's body, an internal reason, an agent's email, an internal event) anywhere in
 * the serialized answer. Returns the view.
 */
async function publicMatchesHistory(
  caller: Caller,
  widget: Caller,
  c: { complaintId: string; reference: string; trackingToken: string },
  internalWords: string[] = [],
): Promise<Json> {
  const state = await stateOf(caller, c.complaintId);
  const answer = await complaintStatus(widget, c.reference, c.trackingToken);
  expect(answer.__typename).toBe('QueryComplaintStatusSuccess');
  const view = answer.data;
  const publicEvents = state.history.filter((e: Json) => e.visibility === 'PUBLIC');
  const publicWords = new Map(state.messages.filter((m: Json) => m.visibility === 'PUBLIC').map((m: Json) => [m.id, m.body]));
  const statusAfter = (e: Json) => (typeof e.payload.status === 'string' ? e.payload.status.toUpperCase() : e.type === 'complaint.filed' ? 'NEW' : null);
  expect(view.timeline).toEqual(
    publicEvents.map((e: Json) => ({
      type: e.type,
      at: e.occurredAt,
      status: statusAfter(e),
      message: publicWords.get(e.payload.messageId) ?? null,
    })),
  );
  expect(view.status).toBe(state.status);
  expect(view.agentName).toBe(state.assignee?.name ?? null);
  const internalEvents = state.history.filter((e: Json) => e.visibility === 'INTERNAL');
  const secrets = [
    ...emails,
    ...internalWords,
    ...state.messages.filter((m: Json) => m.visibility === 'INTERNAL').map((m: Json) => m.body),
    ...internalEvents.map((e: Json) => e.type),
  ];
  const text = JSON.stringify(answer);
  for (const secret of secrets) expect(text, `public answer leaks "${secret}"`).not.toContain(secret);
  expect(text).not.toContain('@');
  return view;
}

/** A complaint filed through the widget at the clock's time, with the staff and tracker handles. */
async function filedAt(api: TestApi, widget: Caller, iso: string) {
  api.clock.set(iso);
  const c = await filedComplaint(api, widget);
  return { ...c, tracked: { reference: c.reference, trackingToken: c.trackingToken } };
}

describe('complaint journeys', () => {
  it('(a) happy path: filed → acknowledged → assigned → resolved → the customer confirms "solved" → CLOSED with followUpDueAt', async ({
    api,
    widget,
  }) => {
    const c = await filedAt(api, widget, MONDAY_0900);
    const by = { complaintId: c.complaintId, actorAgentId: people.mei.id };
    api.clock.advance({ minutes: 10 });
    await staffOk(api.asA, 'acknowledgeComplaint', by);
    const acknowledged = now(api);
    api.clock.advance({ minutes: 10 });
    await staffOk(api.asA, 'assignComplaint', { ...by, agentId: people.mei.id, reason: 'INTERNAL-a: she knows this courier' });
    api.clock.advance({ minutes: 40 });
    await staffOk(api.asA, 'addComplaintNote', { ...by, body: 'INTERNAL-a: courier lost it twice', visibility: 'INTERNAL' });
    await staffOk(api.asA, 'addComplaintNote', { ...by, body: 'We asked the courier to look for it.', visibility: 'CUSTOMER' });
    const firstResponse = now(api);
    api.clock.advance({ hours: 1 });
    await staffOk(api.asA, 'resolveComplaint', { ...by, resolution: 'A new parcel is on its way.' });
    const resolved = now(api);
    const asResolved = (await complaintStatus(widget, c.reference, c.trackingToken)).data;
    expect(asResolved).toMatchObject({ status: 'RESOLVED', canConfirm: true, canReply: false, agentName: 'Mei' });

    api.clock.advance({ hours: 1 });
    const confirmed = await confirmResolution(widget, { ...c.tracked, solved: true, agentRating: 5, comment: 'INTERNAL-a: call me on 0151 99' });
    expect(confirmed.__typename).toBe('MutationConfirmComplaintResolutionSuccess');
    expect(confirmed.data).toMatchObject({ status: 'CLOSED', canConfirm: false, canReply: false });
    const closed = now(api);

    const state = await stateOf(api.asA, c.complaintId);
    expect(state).toMatchObject({
      status: 'CLOSED',
      transferCount: 0,
      reopenCount: 0,
      assigneeStations: 1,
      firstContactResolution: true,
      escalated: false,
      acknowledgedAt: acknowledged,
      firstResponseAt: firstResponse,
      firstResolvedAt: resolved,
      resolvedAt: resolved,
      closedAt: closed,
      followUpDueAt: at(closed, 3 * DAY),
      assignee: { name: 'Mei' },
    });
    expect(clockOf(state.sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'FULFILLED', usedBusinessSeconds: HOUR });
    expect(clockOf(state.sla, 'RESOLUTION')).toMatchObject({ status: 'FULFILLED', usedBusinessSeconds: 2 * HOUR });
    expect(typesOf(state.history, 'complaint.resolution_confirmed').map((e: Json) => e.payload)).toEqual([
      expect.objectContaining({ solved: true, agentRating: 5 }),
    ]);
    // Every status change records from → to.
    expect(state.history.filter((e: Json) => e.payload.status).map((e: Json) => [e.type, e.payload.from, e.payload.status])).toEqual([
      ['complaint.acknowledged', 'new', 'acknowledged'],
      ['complaint.handling_started', 'acknowledged', 'in_progress'],
      ['complaint.resolved', 'in_progress', 'resolved'],
      ['complaint.closed', 'resolved', 'closed'],
    ]);
    // Every staff change names the acting agent.
    expect(state.history.filter((e: Json) => e.actorType === 'api_key').every((e: Json) => e.actingAgent?.name === 'Mei')).toBe(true);

    const view = await publicMatchesHistory(api.asA, widget, c, ['0151 99', 'she knows this courier']);
    expect(view.timeline.map((e: Json) => [e.type, e.status, e.message])).toEqual([
      ['complaint.filed', 'NEW', null],
      ['complaint.acknowledged', 'ACKNOWLEDGED', null],
      ['complaint.handling_started', 'IN_PROGRESS', null],
      ['complaint.customer_note', null, 'We asked the courier to look for it.'],
      ['complaint.resolved', 'RESOLVED', 'A new parcel is on its way.'],
      ['complaint.closed', 'CLOSED', null],
    ]);
    expect(confirmed.data.timeline).toEqual(view.timeline);
  });

  it('(b) two transfers: transferCount 2, three assignee stations, no first-contact resolution', async ({ api, widget }) => {
    const c = await filedAt(api, widget, MONDAY_0900);
    const by = { complaintId: c.complaintId, actorAgentId: people.mei.id };
    await staffOk(api.asA, 'assignComplaint', { ...by, agentId: people.mei.id });
    api.clock.advance({ minutes: 30 });
    // A transfer without a reason is refused and changes nothing.
    const refused = await api.asA.gql(`mutation($input: TransferComplaintInput!) { transferComplaint(input: $input) { __typename } }`, {
      input: { ...by, toAgentId: people.omar.id },
    });
    expect(refused.errors?.length || refused.data?.transferComplaint?.__typename === 'ValidationError').toBeTruthy();
    await staffOk(api.asA, 'transferComplaint', { ...by, toAgentId: people.omar.id, reason: 'INTERNAL-b: Mei is off sick' });
    api.clock.advance({ minutes: 30 });
    await staffOk(api.asA, 'transferComplaint', {
      complaintId: c.complaintId,
      actorAgentId: people.omar.id,
      toAgentId: people.lin.id,
      reason: 'INTERNAL-b: returns desk owns refunds',
    });
    const mid = await complaintStatus(widget, c.reference, c.trackingToken);
    expect(mid.data).toMatchObject({ status: 'IN_PROGRESS', agentName: 'Lin' });
    api.clock.advance({ hours: 1 });
    await staffOk(api.asA, 'resolveComplaint', { complaintId: c.complaintId, actorAgentId: people.lin.id, resolution: 'Refunded in full.' });
    api.clock.advance({ hours: 1 });
    await staffOk(api.asA, 'closeComplaint', { complaintId: c.complaintId, actorAgentId: people.lin.id });

    const state = await stateOf(api.asA, c.complaintId);
    expect(state).toMatchObject({
      status: 'CLOSED',
      transferCount: 2,
      assigneeStations: 3,
      firstContactResolution: false,
      reopenCount: 0,
      assignee: { name: 'Lin' },
      team: { name: 'Returns' },
      followUpDueAt: at(now(api), 3 * DAY),
    });
    const transfers = typesOf(state.history, 'complaint.transferred');
    expect(transfers.map((e: Json) => [e.visibility, e.actingAgent?.name])).toEqual([
      ['INTERNAL', 'Mei'],
      ['INTERNAL', 'Omar'],
    ]);
    const view = await publicMatchesHistory(api.asA, widget, c, ['Mei is off sick', 'returns desk owns refunds']);
    expect(view.timeline.map((e: Json) => e.type)).toEqual([
      'complaint.filed',
      'complaint.handling_started',
      'complaint.resolved',
      'complaint.closed',
    ]);
    // The customer sees who handles it now, never who had it before.
    expect(JSON.stringify(view)).not.toMatch(/Mei|Omar/);
  });

  it('(c) 3 days awaiting the customer, then their reply: the resolution clock keeps its used time and does not breach', async ({ api, widget }) => {
    const c = await filedAt(api, widget, MONDAY_0900);
    const by = { complaintId: c.complaintId, actorAgentId: people.mei.id };
    await staffOk(api.asA, 'assignComplaint', { ...by, agentId: people.mei.id });
    api.clock.advance({ hours: 2 });
    await staffOk(api.asA, 'requestCustomerInfo', { ...by, message: 'Which order number was it?' });
    const asked = (await complaintStatus(widget, c.reference, c.trackingToken)).data;
    expect(asked).toMatchObject({ status: 'AWAITING_CUSTOMER', canReply: true, canConfirm: false });
    expect(asked.timeline.at(-1)).toMatchObject({ type: 'complaint.info_requested', status: 'AWAITING_CUSTOMER', message: 'Which order number was it?' });

    // 3 days later (beyond the 72 h medium resolution target counted from filing), the watcher runs.
    api.clock.advance({ days: 3 });
    await watch(api);
    let state = await stateOf(api.asA, c.complaintId);
    expect(clockOf(state.sla, 'RESOLUTION')).toMatchObject({ status: 'PAUSED', usedBusinessSeconds: 2 * HOUR });
    expect(clockOf(state.sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'FULFILLED', usedBusinessSeconds: 2 * HOUR });

    const reply = await replyTo(widget, { ...c.tracked, message: 'It was order 4711.' });
    expect(reply.__typename).toBe('MutationReplyToComplaintSuccess');
    expect(reply.data).toMatchObject({ status: 'IN_PROGRESS', canReply: false });
    const replied = now(api);
    state = await stateOf(api.asA, c.complaintId);
    expect(clockOf(state.sla, 'RESOLUTION')).toMatchObject({ status: 'ACTIVE', usedBusinessSeconds: 2 * HOUR, dueAt: at(replied, 70 * HOUR) });
    expect(clockOf(state.sla, 'NEXT_REPLY')).toMatchObject({ status: 'ACTIVE', startedAt: replied, dueAt: at(replied, 8 * HOUR) });
    await watch(api);
    api.clock.advance({ hours: 1 });
    await watch(api);
    await staffOk(api.asA, 'resolveComplaint', { ...by, resolution: 'We refunded order 4711.' });
    await watch(api);

    state = await stateOf(api.asA, c.complaintId);
    expect(state.sla.map((x: Json) => [x.metric, x.status])).toEqual([
      ['FIRST_RESPONSE', 'FULFILLED'],
      ['RESOLUTION', 'FULFILLED'],
      ['NEXT_REPLY', 'CANCELLED'],
    ]);
    expect(clockOf(state.sla, 'RESOLUTION')).toMatchObject({ usedBusinessSeconds: 3 * HOUR, breachedAt: null });
    expect(typesOf(state.history, 'complaint.sla_breached', 'complaint.sla_warning', 'complaint.escalated')).toEqual([]);
    expect(state.escalated).toBe(false);

    const view = await publicMatchesHistory(api.asA, widget, c);
    expect(view.timeline.map((e: Json) => [e.type, e.status, e.message])).toEqual([
      ['complaint.filed', 'NEW', null],
      ['complaint.handling_started', 'IN_PROGRESS', null],
      ['complaint.info_requested', 'AWAITING_CUSTOMER', 'Which order number was it?'],
      ['complaint.customer_replied', 'IN_PROGRESS', 'It was order 4711.'],
      ['complaint.resolved', 'RESOLVED', 'We refunded order 4711.'],
    ]);
  });

  it('(d) "not solved" reopens with the reason: reopenCount 1, firstResolvedAt kept, the resolution clock resumes', async ({ api, widget }) => {
    const c = await filedAt(api, widget, MONDAY_0900);
    const by = { complaintId: c.complaintId, actorAgentId: people.omar.id };
    await staffOk(api.asA, 'assignComplaint', { ...by, agentId: people.omar.id });
    api.clock.advance({ hours: 1 });
    await staffOk(api.asA, 'resolveComplaint', { ...by, resolution: 'Please restart the router.' });
    const firstResolved = now(api);

    api.clock.advance({ hours: 5 });
    const no = await confirmResolution(widget, {
      ...c.tracked,
      solved: false,
      reason: 'Still no internet after the restart.',
      comment: 'INTERNAL-d: comment for the company only',
      agentRating: 2,
    });
    expect(no.__typename).toBe('MutationConfirmComplaintResolutionSuccess');
    expect(no.data).toMatchObject({ status: 'REOPENED', canConfirm: false });
    expect(no.data.timeline.at(-1)).toEqual({ type: 'complaint.reopened', at: now(api), status: 'REOPENED', message: 'Still no internet after the restart.' });
    const reopened = now(api);
    let state = await stateOf(api.asA, c.complaintId);
    expect(state).toMatchObject({ status: 'REOPENED', reopenCount: 1, firstResolvedAt: firstResolved, resolvedAt: null, firstContactResolution: false });
    // The 5 h spent RESOLVED do not count; the clock continues from its 1 h.
    expect(clockOf(state.sla, 'RESOLUTION')).toMatchObject({ status: 'ACTIVE', usedBusinessSeconds: HOUR, dueAt: at(reopened, 71 * HOUR) });
    const reason = state.messages.find((m: Json) => m.kind === 'REOPEN_REASON');
    expect(reason).toMatchObject({ authorType: 'CUSTOMER', visibility: 'PUBLIC', body: 'Still no internet after the restart.' });
    expect(state.messages.find((m: Json) => m.kind === 'CONFIRMATION_COMMENT')).toMatchObject({ visibility: 'INTERNAL' });

    api.clock.advance({ minutes: 30 });
    await staffOk(api.asA, 'assignComplaint', { ...by, agentId: people.omar.id });
    api.clock.advance({ hours: 1, minutes: 30 });
    await staffOk(api.asA, 'resolveComplaint', { ...by, resolution: 'A technician replaced the line.' });
    const secondResolved = now(api);
    api.clock.advance({ hours: 1 });
    const yes = await confirmResolution(widget, { ...c.tracked, solved: true });
    expect(yes.data.status).toBe('CLOSED');

    state = await stateOf(api.asA, c.complaintId);
    expect(state).toMatchObject({ reopenCount: 1, firstResolvedAt: firstResolved, resolvedAt: secondResolved, firstContactResolution: false });
    expect(clockOf(state.sla, 'RESOLUTION')).toMatchObject({ status: 'FULFILLED', usedBusinessSeconds: 3 * HOUR });
    expect(typesOf(state.history, 'complaint.resolution_confirmed').map((e: Json) => e.payload.solved)).toEqual([false, true]);
    expect(typesOf(state.history, 'complaint.reopened').map((e: Json) => [e.payload.from, e.payload.status, e.payload.by])).toEqual([
      ['resolved', 'reopened', 'customer'],
    ]);

    const view = await publicMatchesHistory(api.asA, widget, c, ['comment for the company only']);
    expect(view.timeline.map((e: Json) => [e.type, e.status, e.message])).toEqual([
      ['complaint.filed', 'NEW', null],
      ['complaint.handling_started', 'IN_PROGRESS', null],
      ['complaint.resolved', 'RESOLVED', 'Please restart the router.'],
      ['complaint.reopened', 'REOPENED', 'Still no internet after the restart.'],
      ['complaint.handling_started', 'IN_PROGRESS', null],
      ['complaint.resolved', 'RESOLVED', 'A technician replaced the line.'],
      ['complaint.closed', 'CLOSED', null],
    ]);
  });

  it('(e) breach: the periodic SLA job records sla_breached once and escalates', async ({ api, widget }) => {
    const c = await filedAt(api, widget, MONDAY_0900);
    const by = { complaintId: c.complaintId, actorAgentId: people.mei.id };
    await staffOk(api.asA, 'assignComplaint', { ...by, agentId: people.mei.id });
    await staffOk(api.asA, 'addComplaintNote', { ...by, body: 'INTERNAL-e: will look at it tomorrow', visibility: 'INTERNAL' });
    api.clock.advance({ hours: 7 });
    await watch(api);
    let state = await stateOf(api.asA, c.complaintId);
    expect(typesOf(state.history, 'complaint.sla_warning').map((e: Json) => e.payload.metric)).toEqual(['first_response']);
    expect(state.escalated).toBe(false);

    api.clock.advance({ hours: 1, minutes: 1 });
    await Promise.all([watch(api), watch(api)]);
    await watch(api);
    const escalatedAt = now(api);
    const breachedAt = at(MONDAY_0900, 8 * HOUR); // the due time, not when the watcher noticed
    api.clock.advance({ minutes: 5 });
    await watch(api);
    state = await stateOf(api.asA, c.complaintId);
    expect(typesOf(state.history, 'complaint.sla_breached').map((e: Json) => [e.visibility, e.payload.metric])).toEqual([['INTERNAL', 'first_response']]);
    expect(typesOf(state.history, 'complaint.escalated').map((e: Json) => e.payload)).toEqual([{ reasons: ['sla_breached'] }]);
    expect(state).toMatchObject({ escalated: true, escalatedAt });
    expect(clockOf(state.sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'BREACHED', breachedAt });
    expect(clockOf(state.sla, 'RESOLUTION').status).toBe('ACTIVE');
    // The inbox finds it among the escalated and the breached.
    const inbox = dataOf(
      await api.asA.gql(`{ escalated: complaints(first: 50, filter: { escalated: true, breached: true }) { edges { node { id } } } }`),
    ) as Json;
    expect(inbox.escalated.edges.map((e: Json) => e.node.id)).toContain(c.complaintId);

    // Late, the answer still comes; the breach stays recorded once.
    await staffOk(api.asA, 'addComplaintNote', { ...by, body: 'Sorry for the wait, we are on it.', visibility: 'CUSTOMER' });
    api.clock.advance({ hours: 1 });
    await staffOk(api.asA, 'resolveComplaint', { ...by, resolution: 'Replaced.' });
    await watch(api);
    state = await stateOf(api.asA, c.complaintId);
    expect(typesOf(state.history, 'complaint.sla_breached')).toHaveLength(1);
    expect(typesOf(state.history, 'complaint.escalated')).toHaveLength(1);
    expect(clockOf(state.sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'BREACHED', breachedAt });

    const view = await publicMatchesHistory(api.asA, widget, c, ['will look at it tomorrow']);
    expect(JSON.stringify(view)).not.toMatch(/sla|breach|escalat/i);
    expect(view.timeline.map((e: Json) => e.type)).toEqual([
      'complaint.filed',
      'complaint.handling_started',
      'complaint.customer_note',
      'complaint.resolved',
    ]);
  });

  it('(f) a severity change mid-way keeps the time used and retargets (HIGH, then CRITICAL escalates)', async ({ api, widget }) => {
    const c = await filedAt(api, widget, MONDAY_0900);
    const by = { complaintId: c.complaintId, actorAgentId: people.lin.id };
    api.clock.advance({ hours: 3 });
    await staffOk(api.asA, 'acknowledgeComplaint', by);
    await staffOk(api.asA, 'addComplaintNote', { ...by, body: 'We are looking into it.', visibility: 'CUSTOMER' });
    api.clock.advance({ hours: 2 });
    await staffOk(api.asA, 'triageComplaint', { ...by, severity: 'HIGH', complainantType: 'VOICER' });
    let t = now(api);
    let state = await stateOf(api.asA, c.complaintId);
    expect(state).toMatchObject({ severity: 'HIGH', complainantType: 'VOICER', escalated: false });
    expect(clockOf(state.sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'FULFILLED', usedBusinessSeconds: 3 * HOUR });
    expect(clockOf(state.sla, 'RESOLUTION')).toMatchObject({ targetBusinessSeconds: 48 * HOUR, usedBusinessSeconds: 5 * HOUR, dueAt: at(t, 43 * HOUR) });
    expect(state.nextDueAt).toBe(at(t, 43 * HOUR));

    api.clock.advance({ hours: 2 });
    await staffOk(api.asA, 'assignComplaint', { ...by, agentId: people.lin.id });
    await staffOk(api.asA, 'triageComplaint', { ...by, severity: 'CRITICAL', complainantType: 'VOICER' });
    t = now(api);
    state = await stateOf(api.asA, c.complaintId);
    expect(clockOf(state.sla, 'RESOLUTION')).toMatchObject({ targetBusinessSeconds: 24 * HOUR, usedBusinessSeconds: 7 * HOUR, dueAt: at(t, 17 * HOUR) });
    expect(state).toMatchObject({ severity: 'CRITICAL', escalated: true, escalatedAt: t });
    const retargets = typesOf(state.history, 'complaint.sla_retargeted');
    expect(retargets.length).toBeGreaterThanOrEqual(2);
    expect(retargets.every((e: Json) => e.visibility === 'INTERNAL' && e.actingAgent?.name === 'Lin')).toBe(true);
    expect(typesOf(state.history, 'complaint.escalated')).toHaveLength(1);

    // 16 h later nothing has breached; the watcher warns at 80% of the new target only.
    api.clock.advance({ hours: 16 });
    await watch(api);
    state = await stateOf(api.asA, c.complaintId);
    expect(typesOf(state.history, 'complaint.sla_breached')).toEqual([]);
    expect(typesOf(state.history, 'complaint.sla_warning').map((e: Json) => e.payload.metric)).toEqual(['resolution']);
    await staffOk(api.asA, 'resolveComplaint', { ...by, resolution: 'Fixed on site.' });
    state = await stateOf(api.asA, c.complaintId);
    expect(clockOf(state.sla, 'RESOLUTION')).toMatchObject({ status: 'FULFILLED', usedBusinessSeconds: 23 * HOUR, breachedAt: null });

    const view = await publicMatchesHistory(api.asA, widget, c);
    expect(JSON.stringify(view)).not.toMatch(/CRITICAL|HIGH|VOICER|severity/);
    expect(view.timeline.map((e: Json) => [e.type, e.message])).toEqual([
      ['complaint.filed', null],
      ['complaint.acknowledged', null],
      ['complaint.customer_note', 'We are looking into it.'],
      ['complaint.handling_started', null],
      ['complaint.resolved', 'Fixed on site.'],
    ]);
  });

  it('(g) a holiday on the business calendar set by updateComplaintSettings pushes dueAt past it', async ({ api, newOrg }) => {
    const { widget } = await widgetOfOrg(api, newOrg);
    const settings = await updateSettings(newOrg.as, {
      timeZone: 'UTC',
      openHours: officeHours(),
      holidays: ['2026-12-07'],
      targets: { medium: { firstResponseSeconds: HOUR, nextReplySeconds: HOUR, resolutionSeconds: 8 * HOUR } },
    });
    expect(settings.__typename).toBe('MutationUpdateComplaintSettingsSuccess');
    const ana = ok(await careTeamOf(newOrg.as).createAgent({ name: 'Ana', email: 'ana.private@holiday.example' }));
    emails.push('ana.private@holiday.example');

    // Filed Friday 16:30: 30 min that day, Saturday, Sunday and the Monday holiday count nothing.
    const c = await filedAt(api, widget, '2026-12-04T16:30:00.000Z');
    let state = await stateOf(newOrg.as, c.complaintId);
    expect(clockOf(state.sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'ACTIVE', dueAt: '2026-12-08T09:30:00.000Z' });
    expect(clockOf(state.sla, 'RESOLUTION')).toMatchObject({ status: 'ACTIVE', dueAt: '2026-12-08T16:30:00.000Z' });
    expect(state.nextDueAt).toBe('2026-12-08T09:30:00.000Z');

    api.clock.set('2026-12-07T16:00:00.000Z'); // the holiday, late: no warning, no breach
    await watch(api);
    state = await stateOf(newOrg.as, c.complaintId);
    expect(typesOf(state.history, 'complaint.sla_warning', 'complaint.sla_breached')).toEqual([]);

    api.clock.set('2026-12-08T09:15:00.000Z');
    const by = { complaintId: c.complaintId, actorAgentId: ana.id };
    await staffOk(newOrg.as, 'assignComplaint', { ...by, agentId: ana.id });
    await staffOk(newOrg.as, 'addComplaintNote', { ...by, body: 'Sorry, we were closed on Monday.', visibility: 'CUSTOMER' });
    api.clock.set('2026-12-08T11:00:00.000Z');
    await staffOk(newOrg.as, 'resolveComplaint', { ...by, resolution: 'Exchanged.' });
    await watch(api);
    state = await stateOf(newOrg.as, c.complaintId);
    expect(clockOf(state.sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'FULFILLED', usedBusinessSeconds: 45 * 60, breachedAt: null });
    expect(clockOf(state.sla, 'RESOLUTION')).toMatchObject({ status: 'FULFILLED', usedBusinessSeconds: 2.5 * HOUR, breachedAt: null });
    expect(typesOf(state.history, 'complaint.sla_breached')).toEqual([]);

    // Closing follows the org's calendar-free follow-up days (default 3).
    api.clock.set('2026-12-08T12:00:00.000Z');
    await staffOk(newOrg.as, 'closeComplaint', by);
    state = await stateOf(newOrg.as, c.complaintId);
    expect(state).toMatchObject({ status: 'CLOSED', closedAt: '2026-12-08T12:00:00.000Z', followUpDueAt: '2026-12-11T12:00:00.000Z' });

    const view = await publicMatchesHistory(newOrg.as, widget, c);
    expect(view.agentName).toBe('Ana');
    expect(view.timeline.map((e: Json) => e.type)).toEqual([
      'complaint.filed',
      'complaint.handling_started',
      'complaint.customer_note',
      'complaint.resolved',
      'complaint.closed',
    ]);
  });
});

describe("the customer's actions from every status (the staff ones are table-driven in complaints-lifecycle.test.ts)", () => {
  const statuses = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'resolved', 'closed', 'reopened'] as const;
  const allowed: Record<string, readonly string[]> = {
    replyToComplaint: ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened'],
    confirmComplaintResolution: ['resolved'],
  };
  const cases = Object.keys(allowed).flatMap((action) => statuses.map((status) => [action, status] as const));

  it.for(cases)('%s from %s', async ([action, status], { api, widget }) => {
    const c = await filedComplaint(api, widget);
    await forceStatus(api, c.rowId, status);
    const tracked = { reference: c.reference, trackingToken: c.trackingToken };
    const before = (await storedEvents(api, c.rowId)).length;
    const result =
      action === 'replyToComplaint'
        ? await replyTo(widget, { ...tracked, message: 'Hello?' })
        : await confirmResolution(widget, { ...tracked, solved: false, reason: 'Still broken.' });
    if (allowed[action]!.includes(status)) {
      expect(result.__typename).toBe(`Mutation${action[0]!.toUpperCase()}${action.slice(1)}Success`);
      expect((await storedEvents(api, c.rowId)).length).toBeGreaterThan(before);
    } else {
      expect(result).toEqual({
        __typename: 'InvalidTransitionError',
        message: `${action} is not allowed while the complaint is ${status}; it is allowed from: ${allowed[action]!.join(', ')}`,
        currentStatus: status.toUpperCase(),
        allowedStatuses: allowed[action]!.map((s) => s.toUpperCase()),
      });
      expect(await storedEvents(api, c.rowId)).toHaveLength(before);
    }
  });
});
