import { decodeGlobalID } from '@pothos/plugin-relay';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { complaints, customerIdentities, customers as customersTable, events, feedback, touchpoints as touchpointsTable } from '../../server/db/tables/index.ts';
import type { TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { careTeamOf, ok as okTeam } from './care-team-fixtures.ts';
import { customersOf, ok as okCustomer } from './customers-fixtures.ts';
import { ok, touchpointsOf, type Json, type TouchpointsApi } from './touchpoints-fixtures.ts';

const NOW = '2026-12-01T10:00:00.000Z';
const at = (offsetMinutes: number) => new Date(Date.parse(NOW) + offsetMinutes * 60_000).toISOString();
const rowId = (globalId: string) => decodeGlobalID(globalId).id;

let tp: TouchpointsApi;
let ann: Json;
let bob: Json;
let team: Json;
let agent: Json;
let otherAgent: Json;
let retired: Json;
let annPurchaseId: string;
let bobPurchaseId: string;

it.beforeAll(async ({ api }) => {
  api.clock.set(NOW);
  tp = touchpointsOf(api.asA);
  const people = customersOf(api.asA);
  ann = okCustomer(await people.create({ name: 'Ann', phone: '+86 138-0013-8000', email: 'ann@example.com' }));
  bob = okCustomer(await people.create({ name: 'Bob' }));
  annPurchaseId = okCustomer(await people.recordPurchase(ann.id, { product: 'Kettle', purchasedAt: '2026-11-01T00:00:00Z', value: 30 })).id;
  bobPurchaseId = okCustomer(await people.recordPurchase(bob.id, { product: 'Teapot', purchasedAt: '2026-11-01T00:00:00Z', value: 30 })).id;
  const careTeam = careTeamOf(api.asA);
  team = okTeam(await careTeam.createTeam({ name: 'Care' }));
  agent = okTeam(await careTeam.createAgent({ name: 'Mei', email: 'mei@shop.example', teamId: team.id }));
  otherAgent = okTeam(await careTeam.createAgent({ name: 'Li', email: 'li@shop.example' }));
  retired = okTeam(await careTeam.createAgent({ name: 'Old', email: 'old@shop.example' }));
  okTeam(await careTeam.deactivateAgent(retired.id));
});

async function eventsOf(api: TestApi, touchpointId: string) {
  return api.db.db
    .select()
    .from(events)
    .where(and(eq(events.aggregateType, 'touchpoint'), eq(events.aggregateId, rowId(touchpointId))))
    .orderBy(events.sequence);
}

const call = (extra: Json = {}) => ({
  customerId: ann.id,
  channel: 'PHONE',
  direction: 'INBOUND',
  kind: 'CONSULTATION',
  occurredAt: at(-30),
  ...extra,
});

describe('logTouchpoint', () => {
  it('records a DONE touchpoint with every field, recordedAt from the clock, the agent’s team, and one event', async ({ api }) => {
    const logged = ok(
      await tp.log(
        call({
          stage: 'AFTER_SALE',
          occurredAt: '2026-12-01T17:30:00+08:00',
          durationSeconds: 240,
          agentId: agent.id,
          summary: '  Asked how to descale the kettle  ',
          outcome: 'Sent the manual',
          sentiment: 'POSITIVE',
          isPeak: true,
          isEnd: false,
          purchaseId: annPurchaseId,
          actorAgentId: agent.id,
        }),
      ),
    );
    expect(logged).toMatchObject({
      status: 'DONE',
      channel: 'PHONE',
      direction: 'INBOUND',
      stage: 'AFTER_SALE',
      kind: 'CONSULTATION',
      occurredAt: '2026-12-01T09:30:00.000Z',
      recordedAt: NOW,
      completedAt: NOW,
      scheduledFor: null,
      durationSeconds: 240,
      summary: 'Asked how to descale the kettle',
      outcome: 'Sent the manual',
      sentiment: 'POSITIVE',
      isPeak: true,
      isEnd: false,
      automated: false,
      overdue: false,
      late: false,
      customer: { id: ann.id },
      agent: { id: agent.id },
      team: { id: team.id },
      purchase: { id: annPurchaseId },
      complaint: null,
      feedback: null,
    });
    const [event, ...more] = await eventsOf(api, logged.id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ type: 'touchpoint.logged', sequence: 1, actingAgentId: rowId(agent.id), visibility: 'internal' });
    expect(event!.payload).toEqual({
      status: 'done',
      customerId: rowId(ann.id),
      channel: 'phone',
      direction: 'inbound',
      kind: 'consultation',
      automated: false,
    });
  });

  it('refuses an occurredAt in the future beyond five minutes, and takes one within them', async () => {
    const future = await tp.log(call({ occurredAt: at(6) }));
    expect(future).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['input', 'occurredAt'] }] });
    expect(ok(await tp.log(call({ occurredAt: at(4) }))).occurredAt).toBe(at(4));
  });

  it('refuses bad input, every field at once, and names the field', async () => {
    const bad = await tp.log(
      call({ occurredAt: 'yesterday', summary: 'x'.repeat(2001), outcome: 'y'.repeat(2001), durationSeconds: -1, messageLocale: 'a\nb' }),
    );
    expect(bad.__typename).toBe('ValidationError');
    expect(bad.issues.map((i: Json) => i.path.join('.')).sort()).toEqual(
      ['input.durationSeconds', 'input.messageLocale', 'input.occurredAt', 'input.outcome', 'input.summary'].sort(),
    );
  });

  it('takes exactly one of customerId and identity', async () => {
    const both = await tp.log(call({ identity: { channel: 'PHONE', value: '+8613800138000' } }));
    expect(both).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['input', 'identity'] }] });
    const neither = await tp.log(call({ customerId: undefined }));
    expect(neither).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['input', 'customerId'] }] });
  });

  it('refuses a deactivated or unknown agent, and links of another customer', async () => {
    expect(await tp.log(call({ agentId: retired.id }))).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['input', 'agentId'] }] });
    expect(await tp.log(call({ actorAgentId: retired.id }))).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: ['input', 'actorAgentId'] }],
    });
    const unknownAgent = agent.id.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A'));
    expect((await tp.log(call({ agentId: unknownAgent }))).__typename).toMatch(/NotFoundError|ValidationError/);
    expect(await tp.log(call({ purchaseId: bobPurchaseId }))).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: ['input', 'purchaseId'], message: 'is a purchase of another customer' }],
    });
    expect(await tp.log(call({ purchaseId: '00000000-0000-4000-8000-000000000000' }))).toMatchObject({ __typename: 'NotFoundError', entity: 'Purchase' });
  });
});

describe('links, teams and scopes', () => {
  it('links a complaint and a feedback item of the same customer; of another customer they are refused', async ({ api }) => {
    const insertComplaint = async (customerId: string, reference: string) => {
      const [row] = await api.db.db
        .insert(complaints)
        .values({
          orgId: api.orgA.id,
          reference,
          trackingTokenHash: reference,
          status: 'closed',
          category: 'delivery',
          description: 'Late parcel',
          customerId: rowId(customerId),
          createdAt: NOW,
          updatedAt: NOW,
        })
        .returning({ id: complaints.id });
      return Buffer.from(`Complaint:${row!.id}`).toString('base64');
    };
    const insertFeedback = async (customerId: string) => {
      const [row] = await api.db.db
        .insert(feedback)
        .values({ orgId: api.orgA.id, kind: 'resolution_check', customerId: rowId(customerId), createdAt: NOW })
        .returning({ id: feedback.id });
      return Buffer.from(`Feedback:${row!.id}`).toString('base64');
    };
    const complaintId = await insertComplaint(ann.id, 'C-TP01-0001');
    const feedbackId = await insertFeedback(ann.id);
    const followUp = ok(await tp.schedule({ customerId: ann.id, channel: 'PHONE', kind: 'COMPLAINT_CONTACT', scheduledFor: at(60), complaintId, feedbackId }));
    expect(followUp).toMatchObject({ complaint: { id: complaintId }, feedback: { id: feedbackId } });
    const bobs = await insertComplaint(bob.id, 'C-TP01-0002');
    expect(await tp.log(call({ complaintId: bobs }))).toMatchObject({ issues: [{ path: ['input', 'complaintId'], message: 'is a complaint of another customer' }] });
    expect(await tp.log(call({ feedbackId: await insertFeedback(bob.id) }))).toMatchObject({ issues: [{ path: ['input', 'feedbackId'] }] });
  });

  it('a named team wins over the agent’s; an unknown team is NotFoundError', async ({ api }) => {
    const other = okTeam(await careTeamOf(api.asA).createTeam({ name: 'Second line' }));
    expect(ok(await tp.log(call({ agentId: agent.id, teamId: other.id }))).team).toEqual({ id: other.id });
    expect(ok(await tp.log(call({ agentId: otherAgent.id }))).team).toBeNull();
    const unknown = Buffer.from('Team:00000000-0000-4000-8000-000000000000').toString('base64');
    expect(await tp.log(call({ teamId: unknown }))).toMatchObject({ __typename: 'NotFoundError', entity: 'Team' });
  });

  it('writes need the write scope, reads the read scope', async ({ api }) => {
    const keyWith = async (scopes: string[]) => {
      const response = await api.asA.gql(
        `mutation($scopes: [ApiKeyScope!]!) { createApiKey(input: { name: "scoped", scopes: $scopes }) { ... on MutationCreateApiKeySuccess { data { key } } } }`,
        { scopes },
      );
      return api.withKey((response.data as Json).createApiKey.data.key);
    };
    const reader = touchpointsOf(await keyWith(['READ']));
    const denied = await (await keyWith(['READ'])).gql(
      `mutation($input: LogTouchpointInput!) { logTouchpoint(input: $input) { __typename } }`,
      { input: call() },
    );
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await reader.list({ first: 1 })).edges).toHaveLength(1);
    const writer = await keyWith(['WRITE']);
    const noRead = await writer.gql('{ touchpoints(first: 1) { totalCount } }');
    expect(noRead.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('logTouchpoint by identity', () => {
  it('links the customer holding the handle, as typed in another form', async () => {
    const logged = ok(await tp.log(call({ customerId: undefined, identity: { channel: 'PHONE', value: '+86 (138) 0013 8000' } })));
    expect(logged.customer.id).toBe(ann.id);
  });

  it('an SMS from a number known as the customer’s PHONE is theirs, not a new customer’s', async () => {
    const logged = ok(await tp.log(call({ customerId: undefined, channel: 'SMS', identity: { channel: 'SMS', value: '+86 138 0013 8000' } })));
    expect(logged.customer.id).toBe(ann.id);
  });

  it('creates a customer with a new handle, with the identity and its events', async ({ api }) => {
    const logged = ok(await tp.log(call({ customerId: undefined, identity: { channel: 'WECHAT', value: ' new_wx ' } })));
    const people = customersOf(api.asA);
    const created = await people.byIdentity('WECHAT', 'new_wx');
    expect(created?.id).toBe(logged.customer.id);
    expect(created?.id).not.toBe(ann.id);
    const types = await api.db.db
      .select({ type: events.type })
      .from(events)
      .where(and(eq(events.aggregateType, 'customer'), eq(events.aggregateId, rowId(created!.id))))
      .orderBy(events.sequence);
    expect(types.map((e) => e.type)).toEqual(['customer.created', 'customer.identity_added']);
  });

  it('an email handle fills the new customer’s email', async ({ api }) => {
    const logged = ok(await tp.log(call({ customerId: undefined, channel: 'EMAIL', identity: { channel: 'EMAIL', value: 'New.Person@Example.com' } })));
    expect((await customersOf(api.asA).get(logged.customer.id))).toMatchObject({ email: 'new.person@example.com' });
  });

  it('two inbound logs of the same new number at once create one customer', async ({ api }) => {
    const input = call({ customerId: undefined, channel: 'SMS', identity: { channel: 'SMS', value: '+49 30 555 0101' } });
    const results = await Promise.all([tp.log(input), tp.log(input), tp.log(input)]);
    const ids = new Set(results.map((r) => ok(r).customer.id));
    expect(ids.size).toBe(1);
    const holders = await api.db.db
      .select({ customerId: customerIdentities.customerId })
      .from(customerIdentities)
      .where(and(eq(customerIdentities.orgId, api.orgA.id), eq(customerIdentities.value, '+49305550101')));
    expect(holders).toHaveLength(1);
    const [{ count }] = (await api.db.db
      .select({ count: sql<number>`count(*)::int` })
      .from(customersTable)
      .where(and(eq(customersTable.orgId, api.orgA.id), eq(customersTable.id, holders[0]!.customerId)))) as [{ count: number }];
    expect(count).toBe(1);
  });

  it('refuses a handle that cannot be one, naming identity.value', async () => {
    expect(await tp.log(call({ customerId: undefined, identity: { channel: 'PHONE', value: 'call me' } }))).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: ['input', 'identity', 'value'] }],
    });
  });
});

describe('scheduled touchpoints and their transitions', () => {
  const plan = (extra: Json = {}) => ({ customerId: ann.id, channel: 'PHONE', kind: 'FOLLOW_UP', scheduledFor: at(60), agentId: agent.id, ...extra });

  it('scheduleTouchpoint: SCHEDULED, OUTBOUND by default, one event', async ({ api }) => {
    const scheduled = ok(await tp.schedule(plan({ summary: 'How is the kettle?', purchaseId: annPurchaseId })));
    expect(scheduled).toMatchObject({
      status: 'SCHEDULED',
      direction: 'OUTBOUND',
      scheduledFor: at(60),
      occurredAt: null,
      recordedAt: NOW,
      overdue: false,
      agent: { id: agent.id },
      team: { id: team.id },
    });
    const [event] = await eventsOf(api, scheduled.id);
    expect(event).toMatchObject({ type: 'touchpoint.scheduled' });
    expect(event!.payload).toMatchObject({ status: 'scheduled', scheduledFor: at(60), agentId: rowId(agent.id), customerId: rowId(ann.id) });
  });

  it('refuses a due time years away or long past', async () => {
    expect(await tp.schedule(plan({ scheduledFor: '2040-01-01T00:00:00Z' }))).toMatchObject({ issues: [{ path: ['input', 'scheduledFor'] }] });
    expect(await tp.schedule(plan({ scheduledFor: '2020-01-01T00:00:00Z' }))).toMatchObject({ issues: [{ path: ['input', 'scheduledFor'] }] });
  });

  it('completeTouchpoint: DONE with outcome, summary, sentiment; occurredAt now by default; then DONE is final', async ({ api }) => {
    const scheduled = ok(await tp.schedule(plan({ summary: 'Planned' })));
    api.clock.advance({ minutes: 5 });
    try {
      const done = ok(await tp.complete(scheduled.id, { outcome: 'Happy', sentiment: 'POSITIVE', durationSeconds: 60, actorAgentId: agent.id }));
      expect(done).toMatchObject({ status: 'DONE', outcome: 'Happy', summary: 'Planned', sentiment: 'POSITIVE', occurredAt: at(5), completedAt: at(5) });
      const again = await tp.complete(scheduled.id, { outcome: 'Twice' });
      expect(again).toMatchObject({
        __typename: 'TouchpointTransitionError',
        action: 'completeTouchpoint',
        currentStatus: 'DONE',
        allowedStatuses: ['SCHEDULED'],
      });
      expect(again.message).toContain('done');
      const history = await eventsOf(api, scheduled.id);
      expect(history.map((e) => [e.type, (e.payload as Json).from ?? null, (e.payload as Json).status])).toEqual([
        ['touchpoint.scheduled', null, 'scheduled'],
        ['touchpoint.completed', 'scheduled', 'done'],
      ]);
      expect(history[1]!.actingAgentId).toBe(rowId(agent.id));
    } finally {
      api.clock.set(NOW);
    }
  });

  it('completeTouchpoint refuses an occurredAt in the future', async () => {
    const scheduled = ok(await tp.schedule(plan()));
    expect(await tp.complete(scheduled.id, { occurredAt: at(60) })).toMatchObject({ issues: [{ path: ['input', 'occurredAt'] }] });
    expect(ok(await tp.complete(scheduled.id, { occurredAt: at(-10) })).occurredAt).toBe(at(-10));
  });

  it('cancelTouchpoint keeps the reason; a cancelled one cannot be completed, missed or rescheduled', async ({ api }) => {
    const scheduled = ok(await tp.schedule(plan()));
    const cancelled = ok(await tp.cancel(scheduled.id, 'The customer asked us not to call'));
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelReason: 'The customer asked us not to call', cancelledAt: NOW });
    for (const attempt of [tp.complete(scheduled.id), tp.miss(scheduled.id), tp.reschedule(scheduled.id, at(120)), tp.cancel(scheduled.id, 'again')]) {
      expect(await attempt).toMatchObject({ __typename: 'TouchpointTransitionError', currentStatus: 'CANCELLED' });
    }
    const [, event] = await eventsOf(api, scheduled.id);
    expect(event!.payload).toEqual({ status: 'cancelled', from: 'scheduled', customerId: rowId(ann.id), kind: 'follow_up' });
    expect(JSON.stringify(event!.payload)).not.toContain('asked');
    expect(await tp.cancel(ok(await tp.schedule(plan())).id, '   ')).toMatchObject({ issues: [{ path: ['input', 'reason'] }] });
  });

  it('missTouchpoint then rescheduleTouchpoint: MISSED back to SCHEDULED at the new time', async ({ api }) => {
    const scheduled = ok(await tp.schedule(plan()));
    expect(ok(await tp.miss(scheduled.id))).toMatchObject({ status: 'MISSED', missedAt: NOW });
    expect(await tp.miss(scheduled.id)).toMatchObject({ __typename: 'TouchpointTransitionError', currentStatus: 'MISSED' });
    expect(await tp.complete(scheduled.id)).toMatchObject({ __typename: 'TouchpointTransitionError', currentStatus: 'MISSED' });
    const again = ok(await tp.reschedule(scheduled.id, at(24 * 60)));
    expect(again).toMatchObject({ status: 'SCHEDULED', scheduledFor: at(24 * 60) });
    const history = await eventsOf(api, scheduled.id);
    expect(history.map((e) => e.type)).toEqual(['touchpoint.scheduled', 'touchpoint.missed', 'touchpoint.rescheduled']);
    expect(history[2]!.payload).toMatchObject({ from: 'missed', status: 'scheduled', scheduledFor: at(24 * 60), previousScheduledFor: at(60) });
  });

  it('two changes at once: the row lock lets one win and the other sees its status', async ({ api }) => {
    const scheduled = ok(await tp.schedule(plan()));
    const [a, b] = await Promise.all([tp.complete(scheduled.id, { outcome: 'first' }), tp.cancel(scheduled.id, 'second')]);
    const outcomes = [a.__typename, b.__typename].sort();
    expect(outcomes.filter((o) => o.endsWith('Success'))).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'TouchpointTransitionError')).toHaveLength(1);
    expect((await eventsOf(api, scheduled.id)).length).toBe(2);
  });

  it('an unknown touchpoint is NotFoundError', async () => {
    const unknown = Buffer.from('Touchpoint:00000000-0000-4000-8000-000000000000').toString('base64');
    expect(await tp.miss(unknown)).toMatchObject({ __typename: 'NotFoundError', entity: 'Touchpoint' });
  });
});

describe('reads', () => {
  let carl: Json;
  let ids: Record<string, string>;

  it.beforeAll(async ({ api }) => {
    carl = okCustomer(await customersOf(api.asA).create({ name: 'Carl' }));
    const base = { customerId: carl.id, channel: 'PHONE', kind: 'FOLLOW_UP' };
    ids = {
      overdue: ok(await tp.schedule({ ...base, agentId: otherAgent.id, scheduledFor: at(-120) })).id,
      soon: ok(await tp.schedule({ ...base, agentId: otherAgent.id, scheduledFor: at(30) })).id,
      later: ok(await tp.schedule({ ...base, agentId: otherAgent.id, scheduledFor: at(3 * 24 * 60), channel: 'EMAIL' })).id,
      inbound: ok(await tp.log({ ...base, direction: 'INBOUND', occurredAt: at(-300), kind: 'CONSULTATION' })).id,
      outbound: ok(await tp.log({ ...base, direction: 'OUTBOUND', occurredAt: at(-200) })).id,
      birthday: ok(await tp.log({ ...base, direction: 'OUTBOUND', occurredAt: at(-10), kind: 'GREETING_BIRTHDAY', channel: 'SMS', automated: true, message: 'Happy birthday, Carl!', messageLocale: 'en' })).id,
    };
  });

  it('Customer: lastContactedAt, lastInboundAt and lastOutboundAt skip automated touchpoints; nextTouchpoint is the earliest scheduled', async () => {
    const c = await tp.customer(carl.id);
    expect(c).toMatchObject({
      lastContactedAt: at(-200),
      lastInboundAt: at(-300),
      lastOutboundAt: at(-200),
      nextTouchpoint: { id: ids.overdue, scheduledFor: at(-120) },
    });
    expect(c.touchpoints.totalCount).toBe(6);
    // All six were recorded at one instant (the clock stands still): newest recorded first, ties by id.
    expect(c.touchpoints.edges.map((e: Json) => e.node.id).sort()).toEqual(Object.values(ids).sort());
  });

  it('Customer: no touchpoints, nulls', async ({ api }) => {
    const empty = okCustomer(await customersOf(api.asA).create({ name: 'Quiet' }));
    expect(await tp.customer(empty.id)).toMatchObject({
      lastContactedAt: null,
      lastInboundAt: null,
      lastOutboundAt: null,
      nextTouchpoint: null,
      touchpoints: { totalCount: 0, edges: [] },
    });
  });

  it('agenda: the agent’s SCHEDULED touchpoints in order, overdue first, even before from', async () => {
    const page = await tp.agenda({ agentId: otherAgent.id, from: at(0), to: at(24 * 60) });
    expect(page.edges.map((e) => [e.node.id, e.node.overdue])).toEqual([
      [ids.overdue, true],
      [ids.soon, false],
    ]);
    expect(page.totalCount).toBe(2);
    const all = await tp.agenda({ agentId: otherAgent.id });
    expect(all.edges.map((e) => e.node.id)).toEqual([ids.overdue, ids.soon, ids.later]);
    const paged = await tp.agenda({ agentId: otherAgent.id, first: 2 });
    const rest = await tp.agenda({ agentId: otherAgent.id, first: 2, after: paged.pageInfo.endCursor });
    expect([...paged.edges, ...rest.edges].map((e) => e.node.id)).toEqual([ids.overdue, ids.soon, ids.later]);
  });

  it('touchpoints: filters by customer, status, channel, direction, kind, agent, dueBefore, from and to, with totalCount', async () => {
    const of = async (filter: Json) => (await tp.list({ first: 50, filter: { customerId: carl.id, ...filter } })).edges.map((e) => e.node.id).sort();
    expect(await of({})).toHaveLength(6);
    expect(await of({ status: 'SCHEDULED' })).toEqual([ids.overdue, ids.soon, ids.later].sort());
    expect(await of({ status: 'SCHEDULED', dueBefore: at(0) })).toEqual([ids.overdue]);
    expect(await of({ channel: 'EMAIL' })).toEqual([ids.later]);
    expect(await of({ direction: 'INBOUND' })).toEqual([ids.inbound]);
    expect(await of({ kind: 'GREETING_BIRTHDAY' })).toEqual([ids.birthday]);
    expect(await of({ agentId: otherAgent.id })).toEqual([ids.overdue, ids.soon, ids.later].sort());
    expect(await of({ from: at(-250), to: at(0) })).toEqual([ids.outbound, ids.birthday, ids.overdue].sort());
    const counted = await tp.list({ first: 1, filter: { customerId: carl.id, status: 'DONE' } });
    expect(counted.totalCount).toBe(3);
    expect(counted.edges).toHaveLength(1);
  });

  it('touchpoints: SCHEDULED soonest due first by default; pages by cursor without skipping or repeating', async () => {
    const filter = { customerId: carl.id, status: 'SCHEDULED' };
    const first = await tp.list({ first: 2, filter });
    const second = await tp.list({ first: 2, filter, after: first.pageInfo.endCursor });
    expect([...first.edges, ...second.edges].map((e) => e.node.id)).toEqual([ids.overdue, ids.soon, ids.later]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const byOccurred: string[] = [];
    let after: string | undefined;
    do {
      const page = await tp.list({ first: 4, after, filter: { customerId: carl.id }, orderBy: { field: 'OCCURRED_AT', direction: 'DESC' } });
      byOccurred.push(...page.edges.map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : undefined;
    } while (after);
    expect(byOccurred.slice(0, 3)).toEqual([ids.birthday, ids.outbound, ids.inbound]);
    expect(new Set(byOccurred).size).toBe(6);
  });

  it('touchpoints: a page larger than 100 and a bad filter are refused', async ({ api }) => {
    const big = await api.asA.gql('{ touchpoints(first: 101) { edges { node { id } } } }');
    expect(big.errors?.[0]?.message).toMatch(/at most 100/);
    const bad = await api.asA.gql('{ touchpoints(first: 1, filter: { dueBefore: "soon" }) { edges { node { id } } } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('customer data', () => {
  it('mergeCustomers moves the source’s touchpoints to the target', async ({ api }) => {
    const people = customersOf(api.asA);
    const source = okCustomer(await people.create({ name: 'Src' }));
    const target = okCustomer(await people.create({ name: 'Dst' }));
    const moved = ok(await tp.log({ customerId: source.id, channel: 'PHONE', direction: 'INBOUND', kind: 'OTHER', occurredAt: at(-5) }));
    okCustomer(await people.merge(source.id, target.id));
    const c = await tp.customer(target.id);
    expect(c.touchpoints.edges.map((e: Json) => e.node.id)).toEqual([moved.id]);
    expect(c.lastContactedAt).toBe(at(-5));
  });

  it('eraseCustomer blanks summary, outcome, message and cancel reason, and keeps the touchpoints', async ({ api }) => {
    const people = customersOf(api.asA);
    const gone = okCustomer(await people.create({ name: 'Gone' }));
    const base = { customerId: gone.id, channel: 'PHONE', kind: 'FOLLOW_UP' };
    ok(await tp.log({ ...base, direction: 'INBOUND', occurredAt: at(-5), summary: 'Her divorce', outcome: 'Wants a refund', automated: true, message: 'Dear Gone', messageLocale: 'en' }));
    const cancelled = ok(await tp.schedule({ ...base, scheduledFor: at(60) }));
    ok(await tp.cancel(cancelled.id, 'She moved to her sister in Lyon'));
    okCustomer(await people.erase(gone.id));
    const rows = await api.db.db.select().from(touchpointsTable).where(eq(touchpointsTable.customerId, rowId(gone.id)));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect([row.summary, row.outcome, row.message, row.cancelReason]).toEqual([null, null, null, null]);
    expect(rows.map((r) => r.status).sort()).toEqual(['cancelled', 'done']);
    expect(await tp.list({ first: 10, filter: { customerId: gone.id } })).toMatchObject({ totalCount: 2 });
    // No event of theirs says what was said.
    const payloads = await api.db.db.select({ payload: events.payload }).from(events).where(eq(events.aggregateType, 'touchpoint'));
    expect(JSON.stringify(payloads)).not.toMatch(/divorce|refund|Lyon|Dear/);
  });

  it('an erased customer gets no new touchpoints', async ({ api }) => {
    const people = customersOf(api.asA);
    const gone = okCustomer(await people.create({ name: 'Erased' }));
    okCustomer(await people.erase(gone.id));
    expect(await tp.log(call({ customerId: gone.id }))).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['input', 'customerId'] }] });
  });

  it('exportCustomer lists the customer’s touchpoints', async ({ api }) => {
    const people = customersOf(api.asA);
    const c = okCustomer(await people.create({ name: 'Exported' }));
    const logged = ok(await tp.log({ customerId: c.id, channel: 'WECHAT', direction: 'INBOUND', kind: 'CONSULTATION', occurredAt: at(-5), summary: 'Asked about sizes' }));
    const document = okCustomer(await people.exportOne(c.id));
    expect(document.touchpoints).toHaveLength(1);
    expect(document.touchpoints[0]).toMatchObject({ id: rowId(logged.id), summary: 'Asked about sizes', channel: 'wechat', status: 'done' });
  });
});
