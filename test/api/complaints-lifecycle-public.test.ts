import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { complaintMessages } from '../../server/db/tables/index.ts';
import { RATE_LIMITED_FIELDS } from '../../server/http/use-rate-limits.ts';
import type { Caller, TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { careTeamOf, ok } from './care-team-fixtures.ts';
import { complaintStatus } from './complaints-fixtures.ts';
import {
  confirmResolution,
  filedComplaint,
  REPLY_TO_COMPLAINT,
  replyTo,
  staffOk,
  storedComplaint,
  storedEvents,
  type Json,
} from './complaints-lifecycle-fixtures.ts';

const T0 = '2031-04-07T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const iso = (stored: string | null | undefined) => (stored ? new Date(stored).toISOString() : stored);
const people: Record<string, Json> = {};

it.beforeAll(async ({ api }) => {
  api.clock.set(T0);
  const team = careTeamOf(api.asA);
  const desk = ok(await team.createTeam({ name: 'Front desk' }));
  people.desk = desk;
  people.mei = ok(await team.createAgent({ name: 'Mei', email: 'mei.secret@shop.example', teamId: desk.id }));
  people.omar = ok(await team.createAgent({ name: 'Omar', email: 'omar.secret@shop.example' }));
});

/** A complaint filed and assigned to Mei (IN_PROGRESS), with what the widget needs to follow it. */
async function inProgress(api: TestApi, widget: Caller) {
  const c = await filedComplaint(api, widget);
  await staffOk(api.asA, 'assignComplaint', { complaintId: c.complaintId, agentId: people.mei.id, actorAgentId: people.mei.id });
  return { ...c, tracked: { reference: c.reference, trackingToken: c.trackingToken } };
}

describe('replyToComplaint', () => {
  it('awaiting customer and reply: the question on the timeline, the reply moves it back to IN_PROGRESS', async ({ api, widget }) => {
    api.clock.set(T0);
    const c = await inProgress(api, widget);
    api.clock.set(at(10));
    await staffOk(api.asA, 'requestCustomerInfo', { complaintId: c.complaintId, message: 'Which order number?' });
    const asked = (await complaintStatus(widget, c.reference, c.trackingToken)).data;
    expect(asked).toMatchObject({ status: 'AWAITING_CUSTOMER', canReply: true, canConfirm: false, agentName: 'Mei' });
    expect(asked.timeline.at(-1)).toMatchObject({ type: 'complaint.info_requested', status: 'AWAITING_CUSTOMER', message: 'Which order number?' });

    api.clock.set(at(30));
    const key = randomUUID();
    const replied = await replyTo(widget, { ...c.tracked, message: 'It is 4711.', idempotencyKey: key });
    expect(replied.__typename).toBe('MutationReplyToComplaintSuccess');
    expect(replied.data).toMatchObject({ status: 'IN_PROGRESS', canReply: false, agentName: 'Mei' });
    expect(replied.data.timeline.at(-1)).toEqual({ type: 'complaint.customer_replied', at: at(30), status: 'IN_PROGRESS', message: 'It is 4711.' });
    const events = await storedEvents(api, c.rowId);
    expect(events.at(-1)).toMatchObject({ type: 'complaint.customer_replied', actorType: 'site', actingAgentId: null, visibility: 'public' });
    const [reply] = await api.db.db.select().from(complaintMessages).where(eq(complaintMessages.id, events.at(-1)!.payload.messageId as string));
    expect(reply).toMatchObject({ kind: 'reply', authorType: 'customer', agentId: null, visibility: 'public', body: 'It is 4711.' });
    expect(iso((await storedComplaint(api, c.rowId)).updatedAt)).toBe(at(30));

    // A retry (same key, same words) changes nothing and answers the same view; other words under that key conflict.
    api.clock.set(at(31));
    const again = await replyTo(widget, { ...c.tracked, message: 'It is 4711.', idempotencyKey: key });
    expect(again).toEqual(replied);
    expect(await storedEvents(api, c.rowId)).toHaveLength(events.length);
    const conflict = await replyTo(widget, { ...c.tracked, message: 'It is 4712.', idempotencyKey: key });
    expect(conflict).toMatchObject({ __typename: 'ConflictError', field: 'idempotencyKey' });

    // In progress, a reply adds to it and the status stays.
    const more = await replyTo(widget, { ...c.tracked, message: 'Also: the box was wet.' });
    expect(more.data.status).toBe('IN_PROGRESS');
    expect(more.data.timeline.at(-1)).toMatchObject({ type: 'complaint.customer_replied', status: null, message: 'Also: the box was wet.' });
  });

  it('is refused once RESOLVED or CLOSED, with the typed transition error', async ({ api, widget }) => {
    const c = await inProgress(api, widget);
    await staffOk(api.asA, 'resolveComplaint', { complaintId: c.complaintId, resolution: 'Refunded.' });
    const resolved = await replyTo(widget, { ...c.tracked, message: 'Thanks!' });
    expect(resolved).toMatchObject({ __typename: 'InvalidTransitionError', currentStatus: 'RESOLVED' });
    expect(resolved.allowedStatuses).toEqual(['NEW', 'ACKNOWLEDGED', 'IN_PROGRESS', 'AWAITING_CUSTOMER', 'REOPENED']);
    await staffOk(api.asA, 'closeComplaint', { complaintId: c.complaintId });
    expect(await replyTo(widget, { ...c.tracked, message: 'Hello?' })).toMatchObject({ __typename: 'InvalidTransitionError', currentStatus: 'CLOSED' });
    const replies = (await storedEvents(api, c.rowId)).filter((e) => e.type === 'complaint.customer_replied');
    expect(replies).toHaveLength(0);
  });

  it('a wrong code, an unknown reference and blank words are refused without a change', async ({ api, widget }) => {
    const c = await inProgress(api, widget);
    const before = (await storedEvents(api, c.rowId)).length;
    const wrong = await replyTo(widget, { reference: c.reference, trackingToken: 'AAAA-AAAA-AAAA-AAAA', message: 'x' });
    const unknown = await replyTo(widget, { reference: 'C-2222-2222', trackingToken: c.trackingToken, message: 'x' });
    expect(wrong).toEqual({ __typename: 'NotFoundError', message: 'Complaint was not found' });
    expect(unknown).toEqual(wrong);
    const blank = await replyTo(widget, { ...c.tracked, message: '   ' });
    expect(blank.issues.map((i: Json) => i.path)).toEqual([['input', 'message']]);
    expect(await storedEvents(api, c.rowId)).toHaveLength(before);
  });

  it('is a widget operation: an API key may not call it, and it is rate-limited like the other public submissions', async ({ api, widget }) => {
    const c = await inProgress(api, widget);
    const result = await api.asA.gql(REPLY_TO_COMPLAINT, { input: { ...c.tracked, message: 'x', idempotencyKey: randomUUID() } });
    expect(result.errors?.length ?? 0).toBeGreaterThan(0);
    expect(RATE_LIMITED_FIELDS.has('replyToComplaint')).toBe(true);
    expect(RATE_LIMITED_FIELDS.has('confirmComplaintResolution')).toBe(true);
  });
});

describe('confirmComplaintResolution', () => {
  it('solved: CLOSED with followUpDueAt; the answers are internal, a comment never on the timeline; a retry replays', async ({ api, widget }) => {
    api.clock.set(T0);
    const c = await inProgress(api, widget);
    await staffOk(api.asA, 'resolveComplaint', { complaintId: c.complaintId, resolution: 'We sent a new one.' });
    const resolved = (await complaintStatus(widget, c.reference, c.trackingToken)).data;
    expect(resolved).toMatchObject({ canConfirm: true, canReply: false });
    api.clock.set(at(60));
    const key = randomUUID();
    const answer = { ...c.tracked, solved: true, agentRating: 5, comment: 'Mei was lovely, call me on 0151 234', idempotencyKey: key };
    const closed = await confirmResolution(widget, answer);
    expect(closed.__typename).toBe('MutationConfirmComplaintResolutionSuccess');
    expect(closed.data).toMatchObject({ status: 'CLOSED', canConfirm: false });
    expect(closed.data.timeline.at(-1)).toEqual({ type: 'complaint.closed', at: at(60), status: 'CLOSED', message: null });
    expect(JSON.stringify(closed)).not.toContain('0151');
    const row = await storedComplaint(api, c.rowId);
    expect(iso(row.closedAt)).toBe(at(60));
    expect(iso(row.followUpDueAt)).toBe(new Date(Date.parse(at(60)) + 3 * 86_400_000).toISOString());
    const events = await storedEvents(api, c.rowId);
    const confirmed = events.find((e) => e.type === 'complaint.resolution_confirmed')!;
    expect(confirmed).toMatchObject({ visibility: 'internal', actorType: 'site', payload: { solved: true, agentRating: 5 } });
    const [comment] = await api.db.db.select().from(complaintMessages).where(eq(complaintMessages.id, confirmed.payload.messageId as string));
    expect(comment).toMatchObject({ kind: 'confirmation_comment', authorType: 'customer', visibility: 'internal' });

    expect(await confirmResolution(widget, answer)).toEqual(closed);
    expect(await storedEvents(api, c.rowId)).toHaveLength(events.length);
    expect(await confirmResolution(widget, { ...answer, agentRating: 1 })).toMatchObject({ __typename: 'ConflictError', field: 'idempotencyKey' });
    // A new answer on a CLOSED complaint is a refused transition.
    expect(await confirmResolution(widget, { ...c.tracked, solved: false })).toMatchObject({
      __typename: 'InvalidTransitionError',
      currentStatus: 'CLOSED',
      allowedStatuses: ['RESOLVED'],
    });
  });

  it('not solved: REOPENED with the reason on the timeline and reopenCount; handled again and closed on the second answer', async ({ api, widget }) => {
    api.clock.set(T0);
    const c = await inProgress(api, widget);
    await staffOk(api.asA, 'resolveComplaint', { complaintId: c.complaintId, resolution: 'Reset your router.' });
    api.clock.set(at(20));
    const no = await confirmResolution(widget, { ...c.tracked, solved: false, reason: 'Still no internet.', agentRating: 3 });
    expect(no.data).toMatchObject({ status: 'REOPENED', canConfirm: false });
    expect(no.data.timeline.at(-1)).toEqual({ type: 'complaint.reopened', at: at(20), status: 'REOPENED', message: 'Still no internet.' });
    let row = await storedComplaint(api, c.rowId);
    expect(row).toMatchObject({ reopenCount: 1, resolvedAt: null });
    expect(iso(row.firstResolvedAt)).toBe(T0);

    api.clock.set(at(30));
    await staffOk(api.asA, 'assignComplaint', { complaintId: c.complaintId, agentId: people.mei.id });
    api.clock.set(at(90));
    await staffOk(api.asA, 'resolveComplaint', { complaintId: c.complaintId, resolution: 'Technician replaced the line.' });
    api.clock.set(at(120));
    const yes = await confirmResolution(widget, { ...c.tracked, solved: true });
    expect(yes.data.status).toBe('CLOSED');
    row = await storedComplaint(api, c.rowId);
    expect(row).toMatchObject({ reopenCount: 1, status: 'closed' });
    expect([iso(row.firstResolvedAt), iso(row.resolvedAt), iso(row.closedAt)]).toEqual([T0, at(90), at(120)]);
    expect(yes.data.timeline.map((e: Json) => e.status ?? e.type)).toEqual([
      'NEW',
      'IN_PROGRESS',
      'RESOLVED',
      'REOPENED',
      'IN_PROGRESS',
      'RESOLVED',
      'CLOSED',
    ]);
  });

  it('only from RESOLVED; a reason with solved, or a rating outside 1–5, is a ValidationError', async ({ api, widget }) => {
    const c = await inProgress(api, widget);
    expect(await confirmResolution(widget, { ...c.tracked, solved: true })).toMatchObject({
      __typename: 'InvalidTransitionError',
      currentStatus: 'IN_PROGRESS',
      allowedStatuses: ['RESOLVED'],
    });
    await staffOk(api.asA, 'resolveComplaint', { complaintId: c.complaintId, resolution: 'Done.' });
    const withReason = await confirmResolution(widget, { ...c.tracked, solved: true, reason: 'but…' });
    expect(withReason.issues.map((i: Json) => i.path)).toEqual([['input', 'reason']]);
    for (const agentRating of [0, 6]) {
      const bad = await confirmResolution(widget, { ...c.tracked, solved: true, agentRating });
      expect(bad.issues.map((i: Json) => i.path)).toEqual([['input', 'agentRating']]);
    }
    // Blank optional words count as absent.
    expect((await confirmResolution(widget, { ...c.tracked, solved: true, reason: '  ', comment: '' })).data.status).toBe('CLOSED');
  });
});

describe('concurrent answers', () => {
  it('the same reply sent twice at once is stored once; two different answers at once: one wins, the other sees its result', async ({ api, widget }) => {
    const c = await inProgress(api, widget);
    const key = randomUUID();
    const twice = await Promise.all([0, 1].map(() => replyTo(widget, { ...c.tracked, message: 'Sent twice', idempotencyKey: key })));
    expect(twice.map((r) => r.__typename)).toEqual(['MutationReplyToComplaintSuccess', 'MutationReplyToComplaintSuccess']);
    expect((await storedEvents(api, c.rowId)).filter((e) => e.type === 'complaint.customer_replied')).toHaveLength(1);

    await staffOk(api.asA, 'resolveComplaint', { complaintId: c.complaintId, resolution: 'Done.' });
    const answers = await Promise.all([
      confirmResolution(widget, { ...c.tracked, solved: true }),
      confirmResolution(widget, { ...c.tracked, solved: false, reason: 'No' }),
    ]);
    const kinds = answers.map((r) => r.__typename).sort();
    expect(kinds).toEqual(['InvalidTransitionError', 'MutationConfirmComplaintResolutionSuccess']);
    expect((await storedEvents(api, c.rowId)).filter((e) => e.type === 'complaint.resolution_confirmed')).toHaveLength(1);
  });
});

describe('tenant isolation of the public mutations', () => {
  it("a site of another organization cannot reply to or confirm a complaint, even with the right reference and code", async ({ api, widget }) => {
    const c = await inProgress(api, widget);
    await staffOk(api.asA, 'resolveComplaint', { complaintId: c.complaintId, resolution: 'Done.' });
    const siteB = await api.createSite({ as: api.asB, allowedOrigins: ['https://other-org.example'] });
    const widgetB = api.withSite(siteB.publishableKey, siteB.origin);
    const before = await storedEvents(api, c.rowId);
    expect(await replyTo(widgetB, { ...c.tracked, message: 'B' })).toEqual({ __typename: 'NotFoundError', message: 'Complaint was not found' });
    expect(await confirmResolution(widgetB, { ...c.tracked, solved: false, reason: 'B' })).toEqual({
      __typename: 'NotFoundError',
      message: 'Complaint was not found',
    });
    expect(await storedEvents(api, c.rowId)).toEqual(before);
    expect((await storedComplaint(api, c.rowId)).status).toBe('resolved');
  });
});

describe('the public timeline against the internal history', () => {
  it('shows exactly the public events, in order, with public words only: no internal note, internal reason or agent email', async ({ api, widget }) => {
    api.clock.set(T0);
    const c = await filedComplaint(api, widget);
    const id = { complaintId: c.complaintId, actorAgentId: people.mei.id };
    const tracked = { reference: c.reference, trackingToken: c.trackingToken };
    const steps: [string, () => Promise<unknown>][] = [
      ['ack', () => staffOk(api.asA, 'acknowledgeComplaint', id)],
      ['triage', () => staffOk(api.asA, 'triageComplaint', { ...id, severity: 'HIGH', complainantType: 'IRATE' })],
      ['assign', () => staffOk(api.asA, 'assignComplaint', { ...id, agentId: people.mei.id, reason: 'INTERNAL-assign-reason' })],
      ['note', () => staffOk(api.asA, 'addComplaintNote', { ...id, body: 'INTERNAL-note: customer threatens press', visibility: 'INTERNAL' })],
      ['update', () => staffOk(api.asA, 'addComplaintNote', { ...id, body: 'We are on it.', visibility: 'CUSTOMER' })],
      ['transfer', () => staffOk(api.asA, 'transferComplaint', { ...id, toAgentId: people.omar.id, reason: 'INTERNAL-transfer-reason' })],
      ['ask', () => staffOk(api.asA, 'requestCustomerInfo', { ...id, message: 'A photo, please.' })],
      ['reply', () => replyTo(widget, { ...tracked, message: 'Photo attached in email.' })],
      ['gift', () => staffOk(api.asA, 'recordRecoveryAction', { ...id, type: 'GIFT', description: 'INTERNAL-gift voucher' })],
      ['resolve', () => staffOk(api.asA, 'resolveComplaint', { ...id, resolution: 'Replaced.' })],
      ['not solved', () => confirmResolution(widget, { ...tracked, solved: false, reason: 'Wrong colour.', comment: 'INTERNAL-comment' })],
      ['staff resolve', () => staffOk(api.asA, 'assignComplaint', { ...id, agentId: people.omar.id })],
      ['resolve again', () => staffOk(api.asA, 'resolveComplaint', { ...id, resolution: 'Right colour sent.' })],
      ['close', () => staffOk(api.asA, 'closeComplaint', id)],
      ['staff reopen', () => staffOk(api.asA, 'reopenComplaint', { ...id, reason: 'INTERNAL-reopen-reason' })],
    ];
    for (const [index, [, step]] of steps.entries()) {
      api.clock.set(at(index + 1));
      await step();
    }
    const history = (
      await api.asA.gql(`query($id: ID!) { complaint(id: $id) { history { type visibility occurredAt payload } messages { id body visibility } } }`, {
        id: c.complaintId,
      })
    ).data!.complaint;
    const view = (await complaintStatus(widget, c.reference, c.trackingToken)).data;
    const publicHistory = history.history.filter((e: Json) => e.visibility === 'PUBLIC');
    expect(view.timeline.map((e: Json) => [e.type, e.at])).toEqual(publicHistory.map((e: Json) => [e.type, e.occurredAt]));
    expect(history.history.length).toBeGreaterThan(publicHistory.length);
    const publicWords = new Map(history.messages.filter((m: Json) => m.visibility === 'PUBLIC').map((m: Json) => [m.id, m.body]));
    expect(view.timeline.map((e: Json) => e.message)).toEqual(publicHistory.map((e: Json) => publicWords.get(e.payload.messageId) ?? null));
    expect(view.timeline.map((e: Json) => e.message).filter(Boolean)).toEqual([
      'We are on it.',
      'A photo, please.',
      'Photo attached in email.',
      'Replaced.',
      'Wrong colour.',
      'Right colour sent.',
    ]);
    const text = JSON.stringify(view);
    expect(text).not.toContain('INTERNAL-');
    expect(text).not.toContain('secret@shop');
    expect(text).not.toMatch(/triaged|assigned|transferred|internal_note|recovery|escalated|resolution_confirmed/);
    expect(view).toMatchObject({ status: 'REOPENED', agentName: 'Omar' });
  });
});
