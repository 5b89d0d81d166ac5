import { expect } from 'vitest';
import { dataOf } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { careTeamOf, ok } from './care-team-fixtures.ts';
import { complaintStatus } from './complaints-fixtures.ts';
import { confirmResolution, filedComplaint, staffOk, type Json } from './complaints-lifecycle-fixtures.ts';

/**
 * Complaint.messages and the public timeline's texts come in the order they were written, even
 * when several share one instant (the clock stands still here, and message ids are random UUIDs):
 * ordered by (createdAt, id) these came out shuffled.
 */
const AT = '2031-05-05T10:00:00.000Z';

let agent: Json;

it.beforeAll(async ({ api }) => {
  api.clock.set(AT);
  agent = ok(await careTeamOf(api.asA).createAgent({ name: 'Kim', email: 'kim@order.example' }));
});

const messagesOf = async (api: { asA: { gql: (q: string, v?: Json) => Promise<any> } }, id: string): Promise<Json[]> =>
  dataOf<Json>(await api.asA.gql(`query($id: ID!) { complaint(id: $id) { messages { kind visibility body createdAt } } }`, { id })).complaint.messages;

it('messages written at one instant come out in the order they were written', async ({ api, widget }) => {
  const c = await filedComplaint(api, widget);
  await staffOk(api.asA, 'acknowledgeComplaint', { complaintId: c.complaintId });
  const bodies = Array.from({ length: 12 }, (_, i) => `Note ${i + 1}`);
  for (const [i, body] of bodies.entries()) {
    await staffOk(api.asA, 'addComplaintNote', { complaintId: c.complaintId, body, visibility: i % 2 ? 'CUSTOMER' : 'INTERNAL' });
  }
  const messages = await messagesOf(api, c.complaintId);
  expect(messages.map((m) => m.createdAt)).toEqual(bodies.map(() => AT));
  expect(messages.map((m) => m.body)).toEqual(bodies);
  // The customer's timeline: the customer notes in the same order.
  const view = (await complaintStatus(widget, c.reference, c.trackingToken)).data;
  expect(view.timeline.filter((e: Json) => e.type === 'complaint.customer_note').map((e: Json) => e.message)).toEqual(
    bodies.filter((_, i) => i % 2),
  );
});

it("a confirmation's comment and reason (one change, one instant) keep their order on every complaint", async ({ api, widget }) => {
  const orders: string[][] = [];
  for (let i = 0; i < 10; i++) {
    const c = await filedComplaint(api, widget);
    await staffOk(api.asA, 'assignComplaint', { complaintId: c.complaintId, agentId: agent.id });
    await staffOk(api.asA, 'resolveComplaint', { complaintId: c.complaintId, resolution: `Resolution ${i}` });
    const tracked = { reference: c.reference, trackingToken: c.trackingToken };
    const no = await confirmResolution(widget, { ...tracked, solved: false, reason: `Reason ${i}`, comment: `Comment ${i}` });
    expect(no.data.status).toBe('REOPENED');
    orders.push((await messagesOf(api, c.complaintId)).map((m) => m.kind));
  }
  expect(orders).toEqual(orders.map(() => ['RESOLUTION', 'CONFIRMATION_COMMENT', 'REOPEN_REASON']));
});
