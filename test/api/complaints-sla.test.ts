import { and, asc, eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { complaints, customers, events } from '../../server/db/tables/index.ts';
import { dataOf } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import {
  clockOf,
  complaintGid,
  eventsOf,
  fileAt,
  HOUR,
  officeHours,
  slaOf,
  SLA_FIELDS,
  storedClocks,
  tokenAt,
  trigger,
  updateSettings,
  watch,
  widgetOfOrg,
} from './complaints-sla-fixtures.ts';

// 2026-12-04 is a Friday.
const FRIDAY_1630 = '2026-12-04T16:30:00.000Z';
const MONDAY_0900 = '2026-12-07T09:00:00.000Z';
const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000).toISOString();

it.beforeAll(({ api: _ }) => {});

describe('clocks at filing', () => {
  it('filing starts first response and resolution on the default 24/7 UTC calendar (medium: 8 h and 72 h)', async ({ api, widget }) => {
    api.clock.set(FRIDAY_1630);
    const complaint = await fileAt(api, widget);
    const { sla, nextDueAt } = await slaOf(api.asA, complaint.id);
    expect(sla).toEqual([
      expect.objectContaining({ metric: 'FIRST_RESPONSE', status: 'ACTIVE', startedAt: FRIDAY_1630, runningSince: FRIDAY_1630 }),
      expect.objectContaining({ metric: 'RESOLUTION', status: 'ACTIVE', startedAt: FRIDAY_1630 }),
    ]);
    expect(clockOf(sla, 'FIRST_RESPONSE')).toMatchObject({ dueAt: at(FRIDAY_1630, 8 * HOUR), targetBusinessSeconds: 8 * HOUR, usedBusinessSeconds: 0 });
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ dueAt: at(FRIDAY_1630, 72 * HOUR), targetBusinessSeconds: 72 * HOUR });
    expect(nextDueAt).toBe(at(FRIDAY_1630, 8 * HOUR));
  });

  it('a replayed filing starts no second set of clocks', async ({ api, widget }) => {
    api.clock.set(FRIDAY_1630);
    const { complaintInput, fileComplaint } = await import('./complaints-fixtures.ts');
    const input = complaintInput();
    await fileComplaint(widget, input);
    await fileComplaint(widget, input);
    const [row] = await api.db.db.select().from(complaints).where(eq(complaints.idempotencyKey, input.idempotencyKey));
    expect(await storedClocks(api, row!.id)).toHaveLength(2);
  });

  it('a tier-A customer’s complaint gets half the targets (tier multiplier)', async ({ api, site, widget, customers: c }) => {
    api.clock.set(FRIDAY_1630);
    expect((await c.create({ name: 'Gold', externalId: 'sla-gold', tier: 'A' })).__typename).toBe('MutationCreateCustomerSuccess');
    const complaint = await fileAt(api, widget, { customerToken: await tokenAt(api, site, 'sla-gold') });
    const [row] = await api.db.db.select({ tier: customers.tier }).from(customers).where(eq(customers.id, complaint.customerId!));
    expect(row!.tier).toBe('A');
    const { sla } = await slaOf(api.asA, complaint.id);
    expect(clockOf(sla, 'FIRST_RESPONSE')).toMatchObject({ targetBusinessSeconds: 4 * HOUR, dueAt: at(FRIDAY_1630, 4 * HOUR) });
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ targetBusinessSeconds: 36 * HOUR });
  });

  it('linking a tier-A customer to an anonymous complaint re-matches its targets, keeping the time used', async ({ api, widget, customers: c }) => {
    api.clock.set(FRIDAY_1630);
    const complaint = await fileAt(api, widget);
    const gold = await c.create({ name: 'Gold Linked', externalId: 'sla-gold-linked', tier: 'A' });
    expect(gold.__typename).toBe('MutationCreateCustomerSuccess');
    api.clock.advance({ hours: 1 });
    const linked = dataOf(
      await api.asA.gql(
        `mutation($input: LinkComplaintCustomerInput!) { linkComplaintCustomer(input: $input) { __typename } }`,
        { input: { complaintId: complaintGid(complaint.id), customerId: gold.data.id } },
      ),
    ).linkComplaintCustomer;
    expect(linked.__typename).toBe('MutationLinkComplaintCustomerSuccess');
    const { sla } = await slaOf(api.asA, complaint.id);
    // Medium is 8 h / 72 h; tier A halves them. The hour already used still counts.
    expect(clockOf(sla, 'FIRST_RESPONSE')).toMatchObject({ targetBusinessSeconds: 4 * HOUR, dueAt: at(FRIDAY_1630, 4 * HOUR) });
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ targetBusinessSeconds: 36 * HOUR, dueAt: at(FRIDAY_1630, 36 * HOUR) });
    expect(await eventsOf(api, complaint.id, 'complaint.sla_retargeted')).toHaveLength(1);
  });

  it('on business hours: filed Friday 16:30 with a 1 h first response, due Monday 09:30', async ({ api, newOrg }) => {
    const { widget } = await widgetOfOrg(api, newOrg);
    const updated = await updateSettings(newOrg.as, {
      timeZone: 'UTC',
      openHours: officeHours(),
      targets: { medium: { firstResponseSeconds: HOUR } },
    });
    expect(updated.__typename).toBe('MutationUpdateComplaintSettingsSuccess');
    api.clock.set(FRIDAY_1630);
    const complaint = await fileAt(api, widget);
    const { sla, nextDueAt } = await slaOf(newOrg.as, complaint.id);
    expect(clockOf(sla, 'FIRST_RESPONSE').dueAt).toBe('2026-12-07T09:30:00.000Z');
    expect(nextDueAt).toBe('2026-12-07T09:30:00.000Z');
    // 72 business hours = 9 office days: the Friday's half hour, then to Thursday 2026-12-17 16:30.
    expect(clockOf(sla, 'RESOLUTION').dueAt).toBe('2026-12-17T16:30:00.000Z');
  });

  it('a holiday is skipped: the Monday is closed, so due Tuesday 09:30', async ({ api, newOrg }) => {
    const { widget } = await widgetOfOrg(api, newOrg);
    await updateSettings(newOrg.as, {
      timeZone: 'Europe/Berlin',
      openHours: officeHours(),
      holidays: ['2026-12-07'],
      targets: { medium: { firstResponseSeconds: HOUR } },
    });
    api.clock.set('2026-12-04T15:30:00.000Z'); // Friday 16:30 in Berlin
    const complaint = await fileAt(api, widget);
    const { sla } = await slaOf(newOrg.as, complaint.id);
    expect(clockOf(sla, 'FIRST_RESPONSE').dueAt).toBe('2026-12-08T08:30:00.000Z'); // Tuesday 09:30 Berlin
  });
});

describe('triggers', () => {
  it('3 days awaiting the customer do not breach resolution on their return; the time used is kept', async ({ api, widget }) => {
    api.clock.set(MONDAY_0900);
    const complaint = await fileAt(api, widget);
    api.clock.advance({ hours: 1 });
    await trigger(api, complaint, 'info_requested', { status: 'awaiting_customer' });
    let { sla } = await slaOf(api.asA, complaint.id);
    expect(clockOf(sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'FULFILLED', fulfilledAt: at(MONDAY_0900, HOUR), usedBusinessSeconds: HOUR });
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ status: 'PAUSED', pausedAt: at(MONDAY_0900, HOUR), usedBusinessSeconds: HOUR, dueAt: null });
    api.clock.advance({ days: 3, hours: 1 }); // 73 h after filing: past the 72 h target in wall time
    await watch(api);
    expect(await eventsOf(api, complaint.id, 'complaint.sla_breached', 'complaint.sla_warning')).toEqual([]);
    ({ sla } = await slaOf(api.asA, complaint.id));
    expect(clockOf(sla, 'RESOLUTION').status).toBe('PAUSED');
    const back = api.clock.now().toISOString();
    await trigger(api, complaint, 'customer_replied', { status: 'in_progress' });
    ({ sla } = await slaOf(api.asA, complaint.id));
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ status: 'ACTIVE', runningSince: back, usedBusinessSeconds: HOUR, dueAt: at(back, 71 * HOUR) });
    expect(clockOf(sla, 'NEXT_REPLY')).toMatchObject({ status: 'ACTIVE', startedAt: back, dueAt: at(back, 8 * HOUR) });
    await watch(api);
    expect(await eventsOf(api, complaint.id, 'complaint.sla_breached')).toEqual([]);
  });

  it('next reply starts at the oldest unanswered customer reply; a staff answer fulfils it, resolving cancels another', async ({ api, widget }) => {
    api.clock.set(MONDAY_0900);
    const complaint = await fileAt(api, widget);
    await trigger(api, complaint, 'info_requested', { status: 'awaiting_customer' });
    api.clock.advance({ hours: 1 });
    const first = api.clock.now().toISOString();
    await trigger(api, complaint, 'customer_replied', { status: 'in_progress' });
    api.clock.advance({ hours: 1 });
    await trigger(api, complaint, 'customer_replied'); // a second reply, still unanswered
    let { sla } = await slaOf(api.asA, complaint.id);
    expect(sla.filter((c) => c.metric === 'NEXT_REPLY')).toHaveLength(1);
    expect(clockOf(sla, 'NEXT_REPLY')).toMatchObject({ startedAt: first, dueAt: at(first, 8 * HOUR) });
    await trigger(api, complaint, 'staff_public_reply');
    ({ sla } = await slaOf(api.asA, complaint.id));
    expect(clockOf(sla, 'NEXT_REPLY')).toMatchObject({ status: 'FULFILLED', usedBusinessSeconds: HOUR });
    await trigger(api, complaint, 'customer_replied');
    await trigger(api, complaint, 'resolved', { status: 'resolved' });
    ({ sla } = await slaOf(api.asA, complaint.id));
    expect(sla.filter((c) => c.metric === 'NEXT_REPLY').map((c) => c.status)).toEqual(['FULFILLED', 'CANCELLED']);
    // Two hours since filing, one of them awaiting the customer: one hour used.
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ status: 'FULFILLED', usedBusinessSeconds: HOUR });
    expect((await slaOf(api.asA, complaint.id)).nextDueAt).toBeNull();
  });

  it('the customer’s "thanks" after resolution starts and breaches nothing', async ({ api, widget }) => {
    api.clock.set(MONDAY_0900);
    const complaint = await fileAt(api, widget);
    api.clock.advance({ hours: 2 });
    await trigger(api, complaint, 'resolved', { status: 'resolved' });
    api.clock.advance({ minutes: 10 });
    await trigger(api, complaint, 'customer_replied'); // still RESOLVED: a thank-you, not a new question
    api.clock.advance({ days: 10 });
    await watch(api);
    const { sla, nextDueAt } = await slaOf(api.asA, complaint.id);
    expect(sla.map((c) => [c.metric, c.status])).toEqual([
      ['FIRST_RESPONSE', 'FULFILLED'],
      ['RESOLUTION', 'FULFILLED'],
    ]);
    expect(nextDueAt).toBeNull();
    expect(await eventsOf(api, complaint.id, 'complaint.sla_breached', 'complaint.sla_warning')).toEqual([]);
  });

  it('a severity change mid-way re-matches the targets and keeps the time used (an event records it)', async ({ api, widget }) => {
    api.clock.set(MONDAY_0900);
    const complaint = await fileAt(api, widget);
    api.clock.advance({ hours: 2 });
    const now = api.clock.now().toISOString();
    await trigger(api, complaint, 'retarget', { severity: 'high' });
    const { sla, nextDueAt } = await slaOf(api.asA, complaint.id);
    expect(clockOf(sla, 'FIRST_RESPONSE')).toMatchObject({ targetBusinessSeconds: 4 * HOUR, usedBusinessSeconds: 2 * HOUR, dueAt: at(now, 2 * HOUR) });
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ targetBusinessSeconds: 48 * HOUR, usedBusinessSeconds: 2 * HOUR, dueAt: at(now, 46 * HOUR) });
    expect(nextDueAt).toBe(at(now, 2 * HOUR));
    const [event] = await eventsOf(api, complaint.id, 'complaint.sla_retargeted');
    expect(event!.payload).toEqual({
      severity: 'high',
      tier: null,
      clocks: [
        { metric: 'first_response', fromSeconds: 8 * HOUR, toSeconds: 4 * HOUR },
        { metric: 'resolution', fromSeconds: 72 * HOUR, toSeconds: 48 * HOUR },
      ],
    });
    // Retargeting to what it already has records nothing.
    await trigger(api, complaint, 'retarget');
    expect(await eventsOf(api, complaint.id, 'complaint.sla_retargeted')).toHaveLength(1);
  });

  it('a change of the customer’s tier re-matches their open complaints’ targets, keeping the time used', async ({ api, site, widget, customers: c }) => {
    api.clock.set(MONDAY_0900);
    const customer = await c.create({ name: 'Silver', externalId: 'sla-silver', tier: 'B' });
    expect(customer.__typename).toBe('MutationCreateCustomerSuccess');
    const complaint = await fileAt(api, widget, { customerToken: await tokenAt(api, site, 'sla-silver') });
    api.clock.advance({ hours: 2 });
    expect((await c.update(customer.data.id, { tier: 'A' })).__typename).toBe('MutationUpdateCustomerSuccess');
    const now = api.clock.now().toISOString();
    const { sla } = await slaOf(api.asA, complaint.id);
    expect(clockOf(sla, 'FIRST_RESPONSE')).toMatchObject({ targetBusinessSeconds: 4 * HOUR, usedBusinessSeconds: 2 * HOUR, dueAt: at(now, 2 * HOUR) });
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ targetBusinessSeconds: 36 * HOUR, usedBusinessSeconds: 2 * HOUR });
    const [event] = await eventsOf(api, complaint.id, 'complaint.sla_retargeted');
    expect(event!.payload).toMatchObject({ severity: 'medium', tier: 'A' });
  });

  it('a reopen resumes resolution with the time already used (total resolution); closing cancels what runs', async ({ api, widget }) => {
    api.clock.set(MONDAY_0900);
    const complaint = await fileAt(api, widget);
    api.clock.advance({ hours: 5 });
    await trigger(api, complaint, 'resolved', { status: 'resolved' });
    api.clock.advance({ days: 2 });
    const reopened = api.clock.now().toISOString();
    await trigger(api, complaint, 'reopened', { status: 'reopened' });
    let { sla } = await slaOf(api.asA, complaint.id);
    expect(sla.filter((c) => c.metric === 'RESOLUTION')).toHaveLength(1);
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ status: 'ACTIVE', fulfilledAt: null, usedBusinessSeconds: 5 * HOUR, dueAt: at(reopened, 67 * HOUR) });
    api.clock.advance({ hours: 1 });
    await trigger(api, complaint, 'closed', { status: 'closed' });
    ({ sla } = await slaOf(api.asA, complaint.id));
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ status: 'CANCELLED', usedBusinessSeconds: 6 * HOUR, runningSince: null });
    expect((await slaOf(api.asA, complaint.id)).nextDueAt).toBeNull();
  });
});

describe('the watcher', () => {
  it('warns at 80% and records the breach exactly once per clock, also when it runs twice or concurrently; a breach escalates', async ({ api, widget }) => {
    api.clock.set(MONDAY_0900);
    const complaint = await fileAt(api, widget);
    api.clock.advance({ hours: 6, minutes: 24 }); // 80% of 8 h
    await watch(api);
    await watch(api);
    await Promise.all([watch(api), watch(api)]);
    let warnings = await eventsOf(api, complaint.id, 'complaint.sla_warning');
    expect(warnings.map((e) => e.payload)).toEqual([
      { clockId: expect.any(String), metric: 'first_response', dueAt: at(MONDAY_0900, 8 * HOUR) },
    ]);
    expect(warnings[0]!.actorType).toBe('system');
    expect(await eventsOf(api, complaint.id, 'complaint.sla_breached')).toEqual([]);
    api.clock.advance({ hours: 2 });
    // Read before the watcher has run: a clock past its due time is BREACHED already.
    const before = await slaOf(api.asA, complaint.id);
    expect(clockOf(before.sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'BREACHED', breachedAt: null });
    await Promise.all([watch(api), watch(api), watch(api)]);
    await watch(api);
    const breaches = await eventsOf(api, complaint.id, 'complaint.sla_breached');
    expect(breaches.map((e) => e.payload)).toEqual([
      { clockId: warnings[0]!.payload.clockId, metric: 'first_response', dueAt: at(MONDAY_0900, 8 * HOUR) },
    ]);
    const after = await slaOf(api.asA, complaint.id);
    expect(clockOf(after.sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'BREACHED', breachedAt: at(MONDAY_0900, 8 * HOUR) });
    const [row] = await api.db.db.select().from(complaints).where(eq(complaints.id, complaint.id));
    expect(row).toMatchObject({ escalated: true });
    expect(await eventsOf(api, complaint.id, 'complaint.escalated')).toHaveLength(1);
    // Answered late: fulfilled, still breached, nothing recorded twice.
    await trigger(api, complaint, 'staff_public_reply');
    const answered = await slaOf(api.asA, complaint.id);
    expect(clockOf(answered.sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'BREACHED', fulfilledAt: api.clock.now().toISOString() });
    await watch(api);
    expect(await eventsOf(api, complaint.id, 'complaint.sla_breached')).toHaveLength(1);
    warnings = await eventsOf(api, complaint.id, 'complaint.sla_warning');
    expect(warnings).toHaveLength(1);
  });

  it('the inbox filter breached matches a clock running past its due time before the watcher has run', async ({ api, newOrg }) => {
    const { widget } = await widgetOfOrg(api, newOrg);
    api.clock.set(FRIDAY_1630);
    const complaint = await fileAt(api, widget);
    const breached = async (value: boolean) => {
      const query = `query($filter: ComplaintFilter) { complaints(first: 10, filter: $filter) { totalCount edges { node { id } } } }`;
      const { complaints: page } = dataOf(await newOrg.as.gql(query, { filter: { breached: value } }));
      return { totalCount: page.totalCount, ids: page.edges.map((e: { node: { id: string } }) => e.node.id) };
    };
    expect(await breached(true)).toEqual({ totalCount: 0, ids: [] });
    api.clock.advance({ hours: 8, seconds: 1 }); // first response (8 h) is past due; the watcher has not run
    expect(await breached(true)).toEqual({ totalCount: 1, ids: [complaintGid(complaint.id)] });
    expect(await breached(false)).toEqual({ totalCount: 0, ids: [] });
  });

  it('a clock ended late before the watcher ran records its breach once, from the change', async ({ api, widget }) => {
    api.clock.set(MONDAY_0900);
    const complaint = await fileAt(api, widget);
    api.clock.advance({ hours: 9 });
    await trigger(api, complaint, 'staff_public_reply');
    await watch(api);
    const breaches = await eventsOf(api, complaint.id, 'complaint.sla_breached');
    expect(breaches.map((e) => e.payload.metric)).toEqual(['first_response']);
    // The warning was never sent while it ran; the watcher does not send it afterwards.
    expect(await eventsOf(api, complaint.id, 'complaint.sla_warning')).toEqual([]);
  });
});

describe('settings', () => {
  it('complaintSettings reads the defaults; updateComplaintSettings changes the given parts only', async ({ api, newOrg }) => {
    const read = `{ complaintSettings { timeZone alwaysOpen openHours { weekday start end } holidays followUpDays
      targets { critical { firstResponseSeconds nextReplySeconds resolutionSeconds } low { resolutionSeconds } } tierMultipliers { a b c } } }`;
    expect(dataOf(await newOrg.as.gql(read)).complaintSettings).toEqual({
      timeZone: 'UTC',
      alwaysOpen: true,
      openHours: [],
      holidays: [],
      followUpDays: 3,
      targets: { critical: { firstResponseSeconds: HOUR, nextReplySeconds: HOUR, resolutionSeconds: 24 * HOUR }, low: { resolutionSeconds: 120 * HOUR } },
      tierMultipliers: { a: 0.5, b: 1, c: 1 },
    });
    const updated = await updateSettings(newOrg.as, {
      timeZone: 'Asia/Shanghai',
      openHours: [
        { weekday: 'MONDAY', start: '13:00', end: '18:00' },
        { weekday: 'MONDAY', start: '09:00', end: '12:00' },
      ],
      holidays: ['2027-02-17', '2027-02-16', '2027-02-16'],
      targets: { critical: { resolutionSeconds: 12 * HOUR } },
      tierMultipliers: { b: 0.8 },
      followUpDays: 7,
    });
    expect(updated.data).toMatchObject({
      timeZone: 'Asia/Shanghai',
      alwaysOpen: false,
      openHours: [
        { weekday: 'MONDAY', start: '09:00', end: '12:00' },
        { weekday: 'MONDAY', start: '13:00', end: '18:00' },
      ],
      holidays: ['2027-02-16', '2027-02-17'],
      targets: { critical: { firstResponseSeconds: HOUR, nextReplySeconds: HOUR, resolutionSeconds: 12 * HOUR } },
      tierMultipliers: { a: 0.5, b: 0.8, c: 1 },
      followUpDays: 7,
    });
    // A later update of one part keeps the others; null open hours is around the clock again.
    const again = await updateSettings(newOrg.as, { openHours: null });
    expect(again.data).toMatchObject({ timeZone: 'Asia/Shanghai', alwaysOpen: true, followUpDays: 7, holidays: ['2027-02-16', '2027-02-17'] });
    const recorded = await api.db.db
      .select()
      .from(events)
      .where(and(eq(events.orgId, newOrg.id), eq(events.type, 'organization.complaint_settings_updated')))
      .orderBy(asc(events.sequence));
    expect(recorded.map((e) => e.payload)).toEqual([
      { fields: ['followUpDays', 'holidays', 'openHours', 'targets', 'tierMultipliers', 'timeZone'] },
      { fields: ['openHours'] },
    ]);
  });

  it('refuses a zone that is not IANA, malformed or overlapping intervals, bad dates and targets, naming each field', async ({ newOrg }) => {
    const result = await updateSettings(newOrg.as, {
      timeZone: 'Mars/Olympus',
      openHours: [
        { weekday: 'MONDAY', start: '09:00', end: '12:00' },
        { weekday: 'MONDAY', start: '11:00', end: '13:00' },
        { weekday: 'TUESDAY', start: '17:00', end: '09:00' },
        { weekday: 'WEDNESDAY', start: '9:00', end: '25:00' },
      ],
      holidays: ['2027-02-30'],
      targets: { high: { firstResponseSeconds: 0 } },
      tierMultipliers: { a: -1 },
    });
    expect(result.__typename).toBe('ValidationError');
    const paths = result.issues.map((e: { path: string[] }) => e.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'input.timeZone',
        'input.openHours.2.end',
        'input.openHours.3.start',
        'input.openHours.3.end',
        'input.holidays.0',
        'input.targets.high.firstResponseSeconds',
        'input.tierMultipliers.a',
      ]),
    );
    expect((await updateSettings(newOrg.as, { openHours: [] })).__typename).toBe('ValidationError');
    // Overlaps are checked once every interval reads well.
    const overlap = await updateSettings(newOrg.as, {
      openHours: [
        { weekday: 'MONDAY', start: '09:00', end: '12:00' },
        { weekday: 'TUESDAY', start: '11:00', end: '13:00' },
        { weekday: 'MONDAY', start: '11:00', end: '13:00' },
      ],
    });
    expect(overlap.issues).toEqual([{ path: ['input', 'openHours', '2'], message: 'overlaps another interval of the same day' }]);
  });

  it('needs the write scope to change, read to look', async ({ api }) => {
    const { createApiKey } = await import('../../server/organizations/organizations.service.ts');
    const { key } = await createApiKey(api.tenant(api.orgA.id), { name: 'read only', scopes: ['read'] });
    const reader = api.withKey(key);
    expect(dataOf(await reader.gql('{ complaintSettings { timeZone } }')).complaintSettings.timeZone).toBe('UTC');
    const denied = await reader.gql(
      'mutation { updateComplaintSettings(input: { followUpDays: 1 }) { __typename } }',
    );
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a policy change re-matches every open clock, keeping the time used', async ({ api, newOrg }) => {
    const { widget } = await widgetOfOrg(api, newOrg);
    api.clock.set(MONDAY_0900);
    const complaint = await fileAt(api, widget);
    api.clock.advance({ hours: 3 });
    const now = api.clock.now().toISOString();
    await updateSettings(newOrg.as, { targets: { medium: { firstResponseSeconds: 4 * HOUR } } });
    const { sla, nextDueAt } = await slaOf(newOrg.as, complaint.id);
    expect(clockOf(sla, 'FIRST_RESPONSE')).toMatchObject({ targetBusinessSeconds: 4 * HOUR, usedBusinessSeconds: 3 * HOUR, dueAt: at(now, HOUR) });
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ targetBusinessSeconds: 72 * HOUR, usedBusinessSeconds: 3 * HOUR, dueAt: at(MONDAY_0900, 72 * HOUR) });
    expect(nextDueAt).toBe(at(now, HOUR));
    expect(await eventsOf(api, complaint.id, 'complaint.sla_retargeted')).toHaveLength(1);
  });
});

it('Complaint.sla and nextDueAt are read in the complaint’s own statement', async ({ api, widget }) => {
  api.clock.set(MONDAY_0900);
  const complaint = await fileAt(api, widget);
  await api.asA.gql('{ __typename }');
  api.statements.reset();
  await api.asA.gql('{ __typename }');
  const baseline = api.statements.statements.length;
  api.statements.reset();
  const result = await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on Complaint { reference nextDueAt sla { ${SLA_FIELDS} } } } }`, {
    id: complaintGid(complaint.id),
  });
  expect(dataOf(result).node.sla).toHaveLength(2);
  expect(api.statements.statements.slice(baseline)).toHaveLength(1);
});
