import { decodeGlobalID } from '@pothos/plugin-relay';
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { events } from '../../server/db/tables/index.ts';
import { dataOf, type Caller, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { carePlansOf } from './care-plans-fixtures.ts';
import { careTeamOf, ok as okTeam } from './care-team-fixtures.ts';
import { filedComplaint, staffOk } from './complaints-lifecycle-fixtures.ts';
import { customersOf, ok as okCustomer } from './customers-fixtures.ts';
import { ok, touchpointsOf, type Json } from './touchpoints-fixtures.ts';

/**
 * Issue 11 as the console team's day, through the GraphQL API only (API key of org A, the file's
 * TestClock): agents, customers, an inbound call logged by phone number, the agenda, the
 * customer's contact fields and timeline, then care plans run by runCarePlans as time moves on.
 * Events are read from the table (the API has no events query for touchpoints); nothing is
 * written below the API.
 */
const MONDAY = '2027-03-01T00:00:00.000Z';
const DAY = 86_400;
const rowId = (globalId: string) => decodeGlobalID(globalId).id;
const plusSeconds = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

const people: Record<string, Json> = {};

it.beforeAll(async ({ api }) => {
  api.clock.set(MONDAY);
  const team = careTeamOf(api.asA);
  people.care = okTeam(await team.createTeam({ name: 'Care desk' }));
  people.mei = okTeam(await team.createAgent({ name: 'Mei', email: 'mei@journeys.example', teamId: people.care.id }));
  people.omar = okTeam(await team.createAgent({ name: 'Omar', email: 'omar@journeys.example', teamId: people.care.id }));
});

const CUSTOMER_CARE = `id name lastContactedAt lastInboundAt lastOutboundAt nextTouchpoint { id scheduledFor kind }`;

async function careOf(caller: Caller, id: string): Promise<Json> {
  return dataOf(await caller.gql(`query($id: ID!) { customer(id: $id) { ${CUSTOMER_CARE} } }`, { id })).customer;
}

const TIMELINE = `query($id: ID!, $first: Int, $after: String) { customer(id: $id) { timeline(first: $first, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { cursor node { at entry { __typename
    ... on Touchpoint { id status kind } ... on Purchase { id product } ... on Feedback { id } ... on ComplaintEvent { event { type } } } } } } } }`;

/** Every item of a customer's timeline, read `first` at a time. */
async function wholeTimeline(caller: Caller, id: string, first: number): Promise<{ pages: number; items: Json[] }> {
  const items: Json[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const page: Json = dataOf(await caller.gql(TIMELINE, { id, first, after })).customer.timeline;
    pages++;
    items.push(...page.edges.map((e: Json) => e.node));
    if (!page.pageInfo.hasNextPage) return { pages, items };
    after = page.pageInfo.endCursor;
  }
}

async function runPlans(caller: Caller): Promise<Json> {
  const query = `mutation { runCarePlans { __typename ... on MutationRunCarePlansSuccess { data {
    plans evaluatedCustomers scheduled late due skipped { reason count } cancelled { reason count } } } } }`;
  const result = dataOf(await caller.gql(query)).runCarePlans;
  expect(result.__typename).toBe('MutationRunCarePlansSuccess');
  return result.data;
}

async function touchpointEvents(api: TestApi, type: string, orgId = api.orgA.id): Promise<Json[]> {
  return api.db.db
    .select()
    .from(events)
    .where(and(eq(events.orgId, orgId), eq(events.type, type)))
    .orderBy(asc(events.occurredAt), asc(events.id));
}

const PREFERENCES = `mutation($input: UpdateContactPreferencesInput!) { updateContactPreferences(input: $input) { __typename
  ... on MutationUpdateContactPreferencesSuccess { data { contactPreferences { channels optedOutOfCare optedOutAt } } } } }`;

/** The customer's contact preferences, as the console sets them. */
async function preferences(caller: Caller, customerId: string, input: Json): Promise<Json> {
  const result = dataOf(await caller.gql(PREFERENCES, { input: { customerId, ...input } })).updateContactPreferences;
  expect(result.__typename, JSON.stringify(result)).toBe('MutationUpdateContactPreferencesSuccess');
  return result.data.contactPreferences;
}

describe('the console team’s day', () => {
  it('an inbound call by phone number creates the customer, a second call finds them; call backs are scheduled, missed, rescheduled and done; the agenda leads with the overdue; the contact fields and the timeline follow', async ({
    api,
  }) => {
    api.clock.set(MONDAY);
    const tp = touchpointsOf(api.asA);
    const call = ok(
      await tp.log({
        identity: { channel: 'PHONE', value: '+86 139-0000-1111' },
        channel: 'PHONE',
        direction: 'INBOUND',
        kind: 'CONSULTATION',
        stage: 'PRE_SALE',
        occurredAt: plusSeconds(MONDAY, -600),
        durationSeconds: 240,
        agentId: people.mei.id,
        summary: 'Asked about the kettle’s warranty',
        sentiment: 'POSITIVE',
      }),
    );
    expect(call).toMatchObject({ status: 'DONE', automated: false, recordedAt: MONDAY, occurredAt: plusSeconds(MONDAY, -600), team: { id: people.care.id } });
    const customerId = call.customer.id;
    const byPhone = await customersOf(api.asA).byIdentity('PHONE', '+8613900001111');
    expect(byPhone?.id).toBe(customerId);
    // The same number, written differently, is the same person.
    const again = ok(
      await tp.log({ identity: { channel: 'PHONE', value: '+8613900001111' }, channel: 'PHONE', direction: 'INBOUND', kind: 'CONSULTATION', occurredAt: MONDAY }),
    );
    expect(again.customer.id).toBe(customerId);
    expect(await careOf(api.asA, customerId)).toMatchObject({ lastContactedAt: MONDAY, lastInboundAt: MONDAY, lastOutboundAt: null, nextTouchpoint: null });

    // Three call backs for Mei; one for Omar (not on her agenda).
    const schedule = async (hours: number, agent = people.mei) =>
      ok(
        await tp.schedule({
          customerId,
          channel: 'PHONE',
          direction: 'OUTBOUND',
          kind: 'FOLLOW_UP',
          stage: 'PRE_SALE',
          agentId: agent.id,
          scheduledFor: plusSeconds(MONDAY, hours * 3600),
        }),
      );
    const soon = await schedule(1);
    const later = await schedule(3);
    const tomorrow = await schedule(24);
    const omars = await schedule(2, people.omar);
    expect((await careOf(api.asA, customerId)).nextTouchpoint).toMatchObject({ id: soon.id, kind: 'FOLLOW_UP' });

    api.clock.set(plusSeconds(MONDAY, 2 * 3600));
    const agenda = await tp.agenda({ agentId: people.mei.id });
    expect(agenda.edges.map((e) => [e.node.id, e.node.overdue])).toEqual([
      [soon.id, true],
      [later.id, false],
      [tomorrow.id, false],
    ]);
    // Overdue ones lead even when due before `from`.
    const window = await tp.agenda({ agentId: people.mei.id, from: plusSeconds(MONDAY, 2.5 * 3600), to: plusSeconds(MONDAY, 4 * 3600) });
    expect(window.edges.map((e) => e.node.id)).toEqual([soon.id, later.id]);
    const due = await tp.list({ filter: { status: 'SCHEDULED', dueBefore: api.clock.now().toISOString() } });
    expect(due.edges.map((e) => e.node.id)).toEqual([soon.id]);

    // The overdue one was missed; the next is done; tomorrow's moves a day on.
    expect(ok(await tp.miss(soon.id, { actorAgentId: people.mei.id }))).toMatchObject({ status: 'MISSED', missedAt: plusSeconds(MONDAY, 7200) });
    api.clock.set(plusSeconds(MONDAY, 3 * 3600 + 300));
    const done = ok(await tp.complete(later.id, { outcome: 'Will buy on Friday', summary: 'Called back about the warranty', sentiment: 'POSITIVE' }));
    expect(done).toMatchObject({ status: 'DONE', occurredAt: api.clock.now().toISOString(), outcome: 'Will buy on Friday' });
    const moved = ok(await tp.reschedule(tomorrow.id, plusSeconds(MONDAY, 48 * 3600)));
    expect(moved).toMatchObject({ status: 'SCHEDULED', scheduledFor: plusSeconds(MONDAY, 48 * 3600) });
    // A finished one cannot be done again, and says what it is.
    const twice = await tp.complete(later.id, {});
    expect(twice).toMatchObject({ __typename: 'TouchpointTransitionError', currentStatus: 'DONE', allowedStatuses: ['SCHEDULED'] });

    // An automated message does not count as contact.
    const offer = ok(
      await tp.log({
        customerId,
        channel: 'SMS',
        direction: 'OUTBOUND',
        kind: 'OFFER',
        automated: true,
        message: 'Spring offer',
        occurredAt: api.clock.now().toISOString(),
      }),
    );
    const state = await careOf(api.asA, customerId);
    expect(state).toMatchObject({
      lastContactedAt: done.occurredAt,
      lastInboundAt: MONDAY,
      lastOutboundAt: done.occurredAt,
    });
    // Omar's call back (2 h) is the earliest scheduled one now.
    expect(state.nextTouchpoint.scheduledFor).toBe(plusSeconds(MONDAY, 2 * 3600));

    const mine = await tp.agenda({ agentId: people.mei.id });
    expect(mine.edges.map((e) => e.node.id)).toEqual([tomorrow.id]);

    // Every change is one event.
    const touchpointTypes = (await touchpointEvents(api, 'touchpoint.missed')).map((e) => e.aggregateId);
    expect(touchpointTypes).toContain(rowId(soon.id));
    expect((await touchpointEvents(api, 'touchpoint.completed')).filter((e) => e.aggregateId === rowId(later.id))).toHaveLength(1);
    expect((await touchpointEvents(api, 'touchpoint.rescheduled')).filter((e) => e.aggregateId === rowId(tomorrow.id))).toHaveLength(1);

    // The timeline: newest first (the scheduled ones at their due time, ahead on top); pages of 2
    // give the same items as one page of 20, none twice.
    const whole = await wholeTimeline(api.asA, customerId, 20);
    expect(whole.pages).toBe(1);
    const ats = whole.items.map((i) => Date.parse(i.at));
    expect([...ats].sort((a, b) => b - a)).toEqual(ats);
    const ids = whole.items.map((i) => i.entry.id);
    // The offer and the completed call back share an instant: a fixed order, either way round.
    expect([ids[0], new Set(ids.slice(1, 3)), ...ids.slice(3)]).toEqual([
      tomorrow.id,
      new Set([offer.id, later.id]),
      omars.id,
      soon.id,
      again.id,
      call.id,
    ]);
    const paged = await wholeTimeline(api.asA, customerId, 2);
    expect(paged.pages).toBe(4);
    expect(paged.items).toEqual(whole.items);
    expect(new Set(paged.items.map((i) => i.entry.id)).size).toBe(whole.items.length);
    expect(whole.items.every((i) => i.entry.__typename === 'Touchpoint')).toBe(true);
  });
});

const LINK = `mutation($input: LinkComplaintCustomerInput!) { linkComplaintCustomer(input: $input) { __typename } }`;
const PLAN_TOUCHPOINTS = `query($filter: TouchpointFilter) { touchpoints(first: 50, filter: $filter) { totalCount edges { node {
  id status kind channel automated message messageLocale scheduledFor late planOccurrenceId customer { id name } agent { id } complaint { id } purchase { id } } } } }`;

async function scheduledOf(caller: Caller, filter: Json = {}): Promise<Json[]> {
  const page = dataOf(await caller.gql(PLAN_TOUCHPOINTS, { filter: { status: 'SCHEDULED', ...filter } })).touchpoints;
  return page.edges.map((e: Json) => e.node);
}

describe('care plans through the day', () => {
  it('birthday (Asia/Shanghai, local midnight), after purchase, after a closed complaint (its followUpDueAt) and silence: the preview and nextOccurrences say it first; one run schedules each once, a second run nothing; opt-out, a channel not allowed and the fatigue cap are recorded as skipped; export, erasure, contact and a later opt-out cancel with their reasons', async ({
    api,
    newOrg,
  }) => {
    api.clock.set('2027-02-22T10:00:00.000Z');
    const as = newOrg.as;
    const mei = okTeam(await careTeamOf(as).createAgent({ name: 'Mei', email: 'mei@plans.example' }));
    const people = customersOf(as);
    const li = okCustomer(
      await people.create({ name: '李雷', locale: 'zh-CN', birthday: '1990-03-02', timeZone: 'Asia/Shanghai', phone: '+86 138 0000 2222', tags: ['watch'] }),
    );
    const opted = okCustomer(await people.create({ name: 'Otto', birthday: '1985-03-02', tags: ['watch'] }));
    expect(await preferences(as, opted.id, { optedOutOfCare: true })).toMatchObject({ optedOutOfCare: true, optedOutAt: '2027-02-22T10:00:00.000Z' });
    // Dee takes calls only: the birthday SMS is not for her.
    const dee = okCustomer(await people.create({ name: 'Dee', birthday: '1999-03-02' }));
    expect(await preferences(as, dee.id, { channels: ['PHONE'] })).toMatchObject({ channels: ['PHONE'], optedOutOfCare: false });
    const ann = okCustomer(await people.create({ name: 'Ann', locale: 'en', tags: ['watch'] }));
    okCustomer(await people.recordPurchase(ann.id, { product: 'Kettle', purchasedAt: '2027-02-22T09:00:00Z', value: 30 }));
    // Cai has a birthday and a kettle within one week: the cap (1 per 7 days, set below) keeps the greeting.
    const cai = okCustomer(await people.create({ name: 'Cai', birthday: '1970-03-02' }));
    okCustomer(await people.recordPurchase(cai.id, { product: 'Kettle', purchasedAt: '2027-02-23T09:00:00Z', value: 30 }));
    const bo = okCustomer(await people.create({ name: 'Bo', email: 'bo@plans.example' }));

    // Bo's complaint is filed, handled and closed on 1 March: its followUpDueAt is the plan's.
    api.clock.set(MONDAY);
    const site = await api.createSite({ as });
    const widget = api.withSite(site.publishableKey, site.origin);
    const complaint = await filedComplaint(api, widget);
    const by = { complaintId: complaint.complaintId, actorAgentId: mei.id };
    expect(dataOf(await as.gql(LINK, { input: { ...by, customerId: bo.id } })).linkComplaintCustomer.__typename).toBe('MutationLinkComplaintCustomerSuccess');
    await staffOk(as, 'acknowledgeComplaint', by);
    await staffOk(as, 'assignComplaint', { ...by, agentId: mei.id });
    await staffOk(as, 'resolveComplaint', { ...by, resolution: 'Replaced.' });
    await staffOk(as, 'closeComplaint', by);
    const followUpDueAt: string = dataOf(await as.gql(`query($id: ID!) { complaint(id: $id) { followUpDueAt } }`, { id: complaint.complaintId })).complaint
      .followUpDueAt;
    expect(followUpDueAt).toBeTruthy();

    const plans = carePlansOf(as);
    const settings = await plans.updateCareSettings({ fatigueCap: { maxTouchpoints: 1, perDays: 7 } });
    expect(settings).toMatchObject({ __typename: 'MutationUpdateCareSettingsSuccess', data: { timeZone: 'UTC', fatigueCap: { maxTouchpoints: 1, perDays: 7 } } });
    const created = async (input: Json) => {
      const result = await plans.createCarePlan(input);
      expect(result.__typename, JSON.stringify(result)).toBe('MutationCreateCarePlanSuccess');
      return result.data as Json;
    };
    const birthday = await created({
      name: 'Birthday SMS',
      trigger: { type: 'BIRTHDAY' },
      action: {
        channel: 'SMS',
        kind: 'GREETING_BIRTHDAY',
        automated: true,
        localTime: '00:00',
        leadTimeSeconds: 2 * DAY,
        templates: [
          { locale: 'en', text: 'Happy birthday, {name}!' },
          { locale: 'zh-CN', text: '{name},生日快乐!' },
        ],
      },
    });
    const purchase = await created({
      name: 'Kettle call',
      // GAP: the product is documented as matched in any letter case, but the scheduler's SQL
      // (server/care-plans/scheduler/facts.ts, `product = ${trigger.product}`) matches it exactly:
      // 'kettle' here would schedule nothing for a 'Kettle'. Written as the purchases spell it.
      trigger: { type: 'AFTER_PURCHASE', days: 7, product: 'Kettle' },
      action: { channel: 'PHONE', kind: 'FOLLOW_UP', stage: 'AFTER_SALE', leadTimeSeconds: 2 * DAY },
      assigneeAgentId: mei.id,
    });
    const afterComplaint = await created({
      name: 'After a complaint',
      trigger: { type: 'AFTER_COMPLAINT_CLOSED' },
      action: { channel: 'PHONE', kind: 'COMPLAINT_CONTACT', stage: 'AFTER_SALE', leadTimeSeconds: 4 * DAY },
      assigneeAgentId: mei.id,
    });
    expect([birthday.active, purchase.active, afterComplaint.active]).toEqual([true, true, true]);

    // The preview says who, when and why, and writes nothing.
    const PREVIEW = `query($planId: ID!) { carePlanPreview(planId: $planId, first: 20) { complete evaluatedCustomers
      entries { customer { name } dueAt localDate outcome skipReason occurrenceKey } } }`;
    const preview = dataOf(await as.gql(PREVIEW, { planId: birthday.id })).carePlanPreview;
    expect(preview).toMatchObject({ complete: true });
    const previewed = Object.fromEntries(preview.entries.map((e: Json) => [e.customer.name, [e.outcome, e.skipReason, e.dueAt, e.localDate]]));
    expect(previewed).toEqual({
      李雷: ['SCHEDULE', null, '2027-03-01T16:00:00.000Z', '2027-03-02'],
      Cai: ['SCHEDULE', null, '2027-03-02T00:00:00.000Z', '2027-03-02'],
      Otto: ['SKIP', 'OPTED_OUT', expect.any(String), '2027-03-02'],
      Dee: ['SKIP', 'CHANNEL_NOT_ALLOWED', expect.any(String), '2027-03-02'],
    });
    expect(await scheduledOf(as)).toEqual([]);
    const NEXT = `query($planId: ID!, $customerId: ID!) { node(id: $planId) { ... on CarePlan { nextOccurrences(customerId: $customerId, count: 2) {
      key dueAt localDate status reason } } } }`;
    const nextOf = async () => dataOf(await as.gql(NEXT, { planId: birthday.id, customerId: li.id })).node.nextOccurrences;
    expect(await nextOf()).toEqual([
      { key: 'birthday:2027-03-02', dueAt: '2027-03-01T16:00:00.000Z', localDate: '2027-03-02', status: null, reason: null },
      { key: 'birthday:2028-03-02', dueAt: '2028-03-01T16:00:00.000Z', localDate: '2028-03-02', status: null, reason: null },
    ]);

    const first = await runPlans(as);
    expect(first).toMatchObject({ plans: 3, scheduled: 4, late: 0, cancelled: [] });
    expect(first.skipped).toEqual(
      expect.arrayContaining([
        { reason: 'OPTED_OUT', count: 1 },
        { reason: 'FATIGUE_CAP', count: 1 },
        { reason: 'CHANNEL_NOT_ALLOWED', count: 1 },
      ]),
    );
    expect((await nextOf())[0]).toMatchObject({ key: 'birthday:2027-03-02', status: 'SCHEDULED' });
    // Run again, and again a minute later: nothing new, nothing recorded twice.
    const again = await Promise.all([runPlans(as), runPlans(as)]);
    api.clock.advance({ minutes: 1 });
    again.push(await runPlans(as));
    for (const run of again) expect(run).toMatchObject({ scheduled: 0, skipped: [], cancelled: [] });

    const scheduled = await scheduledOf(as);
    const byName = Object.fromEntries(scheduled.map((t) => [t.customer.name, t]));
    expect(Object.keys(byName).sort()).toEqual(['Ann', 'Bo', 'Cai', '李雷']);
    // 2 March 00:00 in Shanghai is 1 March 16:00 UTC: the greeting falls on the local day.
    expect(byName['李雷']).toMatchObject({
      kind: 'GREETING_BIRTHDAY',
      channel: 'SMS',
      automated: true,
      message: '李雷,生日快乐!',
      messageLocale: 'zh-CN',
      scheduledFor: '2027-03-01T16:00:00.000Z',
      late: false,
      planOccurrenceId: expect.any(String),
    });
    expect(byName.Cai).toMatchObject({ kind: 'GREETING_BIRTHDAY', scheduledFor: '2027-03-02T00:00:00.000Z', message: 'Happy birthday, Cai!' });
    expect(byName.Ann).toMatchObject({ kind: 'FOLLOW_UP', scheduledFor: '2027-03-01T09:00:00.000Z', agent: { id: mei.id }, automated: false });
    expect(byName.Bo).toMatchObject({ kind: 'COMPLAINT_CONTACT', scheduledFor: followUpDueAt, agent: { id: mei.id } });
    expect((await touchpointEvents(api, 'touchpoint.scheduled', newOrg.id))).toHaveLength(4);
    const skippedEvents = (await touchpointEvents(api, 'touchpoint.skipped', newOrg.id));
    expect(skippedEvents.map((e) => (e.payload as Json).reason).sort()).toEqual(['channel_not_allowed', 'fatigue_cap', 'opted_out']);

    // Bo's timeline, as Mei opens it before calling: the follow-up ahead on top, then the complaint's history.
    const boTimeline = (await wholeTimeline(as, bo.id, 5)).items;
    expect(boTimeline[0]).toMatchObject({ at: followUpDueAt, entry: { __typename: 'Touchpoint', id: byName.Bo.id, status: 'SCHEDULED' } });
    expect(boTimeline.slice(1).map((i) => i.entry.event?.type)).toEqual(expect.arrayContaining(['complaint.closed', 'complaint.resolved', 'complaint.filed']));

    // Cai asks to be forgotten: the export holds her plan occurrences and touchpoint; erasure
    // cancels the scheduled greeting (erased) and blanks its message.
    const exported = okCustomer(await people.exportOne(cai.id));
    expect(exported.touchpoints.map((t: Json) => [t.kind, t.status, t.message])).toEqual([['greeting_birthday', 'scheduled', 'Happy birthday, Cai!']]);
    expect(exported.carePlanOccurrences.map((o: Json) => o.status).sort()).toEqual(['scheduled', 'skipped']);
    okCustomer(await people.erase(cai.id));
    const erased = dataOf(await as.gql(`query($id: ID!) { node(id: $id) { ... on Touchpoint { status cancelReason message } } }`, { id: byName.Cai.id })).node;
    expect(erased).toEqual({ status: 'CANCELLED', cancelReason: 'erased', message: null });

    // Mei's agenda: Ann's call at 09:00 first, then Bo's follow-up.
    const agenda = await touchpointsOf(as).agenda({ agentId: mei.id });
    expect(agenda.edges.map((e) => e.node.id)).toEqual([byName.Ann.id, byName.Bo.id]);

    // 16:01: the automated greeting's time came: one touchpoint.due, for the company's SMS system.
    api.clock.set('2027-03-01T16:01:00.000Z');
    expect(await runPlans(as)).toMatchObject({ scheduled: 0, due: 1 });
    expect(await runPlans(as)).toMatchObject({ due: 0 });
    const dueEvents = (await touchpointEvents(api, 'touchpoint.due', newOrg.id));
    expect(dueEvents.map((e) => e.aggregateId)).toEqual([rowId(byName['李雷'].id)]);
    const tp = touchpointsOf(as);
    ok(await tp.complete(byName['李雷'].id, { outcome: 'delivered' }));
    ok(await tp.complete(byName.Ann.id, { outcome: 'Happy with the kettle', actorAgentId: mei.id, occurredAt: '2027-03-01T09:05:00.000Z' }));
    // The delivered greeting is not contact; Mei's call is.
    expect(await careOf(as, li.id)).toMatchObject({ lastContactedAt: null, nextTouchpoint: null });
    expect(await careOf(as, ann.id)).toMatchObject({ lastContactedAt: '2027-03-01T09:05:00.000Z', lastOutboundAt: '2027-03-01T09:05:00.000Z' });

    // A silence plan for the watched customers (made now: counts from today, no burst).
    const silence = await created({
      name: 'Ten quiet days',
      trigger: { type: 'SILENCE', days: 10 },
      audience: { tags: ['watch'] },
      action: { channel: 'PHONE', kind: 'FOLLOW_UP', leadTimeSeconds: 2 * DAY },
      assigneeAgentId: mei.id,
    });
    expect(await runPlans(as)).toMatchObject({ plans: 4, scheduled: 0 });
    // The plan was made on 1 March 16:01 UTC, already 2 March in Shanghai: 李雷's ten days end a day later.
    api.clock.set('2027-03-10T10:00:00.000Z');
    const quiet = await runPlans(as);
    expect(quiet).toMatchObject({ scheduled: 2 });
    const silent = await scheduledOf(as, { kind: 'FOLLOW_UP' });
    expect(Object.fromEntries(silent.map((t) => [t.customer.name, t.scheduledFor]))).toEqual({
      Ann: '2027-03-11T09:00:00.000Z',
      李雷: '2027-03-12T01:00:00.000Z',
    });

    // 李雷 calls in (found by number): silence is broken, the plan's call is cancelled with its reason.
    api.clock.advance({ hours: 1 });
    const inbound = ok(
      await tp.log({ identity: { channel: 'PHONE', value: '+8613800002222' }, channel: 'PHONE', direction: 'INBOUND', kind: 'CONSULTATION', occurredAt: api.clock.now().toISOString() }),
    );
    expect(inbound.customer.id).toBe(li.id);
    const exits = await runPlans(as);
    expect(exits.cancelled).toEqual([{ reason: 'CONTACT_MADE', count: 1 }]);
    const cancelled = dataOf(await as.gql(`query($id: ID!) { node(id: $id) { ... on Touchpoint { status cancelReason } } }`, { id: silent.find((t) => t.customer.name === '李雷')!.id })).node;
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.cancelReason).toBe('contact_made');
    // Ann opts out after hers was scheduled: the next run cancels it, with that reason.
    await preferences(as, ann.id, { optedOutOfCare: true });
    expect((await runPlans(as)).cancelled).toEqual([{ reason: 'OPTED_OUT', count: 1 }]);
    expect(await scheduledOf(as, { kind: 'FOLLOW_UP' })).toEqual([]);
    expect((await touchpointEvents(api, 'touchpoint.cancelled', newOrg.id)).map((e) => (e.payload as Json).exit).sort()).toEqual([
      'contact_made',
      'erased',
      'opted_out',
    ]);
    expect(silence.trigger).toMatchObject({ type: 'SILENCE', days: 10 });
  });
});
