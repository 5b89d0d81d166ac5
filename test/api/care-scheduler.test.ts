import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { careRunPlans } from '../../server/care-plans/scheduler/run-plans.job.ts';
import { runCarePlans } from '../../server/care-plans/scheduler/run.ts';
import { overCap } from '../../server/care-plans/scheduler/decide.ts';
import { customers, organizations, touchpoints } from '../../server/db/tables/index.ts';
import { eraseCustomer, mergeCustomers } from '../../server/customers/customers.lifecycle.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { dataOf, type Caller } from '../helpers/api.ts';
import { test } from '../helpers/fixtures.ts';
import { silent } from './jobs-fixtures.ts';
import { schedulerOf, type Scheduler } from './care-scheduler-fixtures.ts';

// The scheduler below the API: plans and facts written into the tables, runs driven by the
// file's TestClock (never a sleep). Each test works in an organization of its own.
const it = test.extend('care', async ({ api, newOrg }): Promise<Scheduler & { orgId: string; as: Caller }> => {
  api.clock.set('2031-06-10T08:00:00Z');
  return { ...schedulerOf(api.db.db, api.clock, newOrg.id), orgId: newOrg.id, as: newOrg.as };
});

const BIRTHDAY = { type: 'birthday' } as const;
const GREETING = { kind: 'greeting_birthday', channel: 'sms', stage: null } as const;

describe('exactly once', () => {
  it('a birthday within the lead time becomes one SCHEDULED touchpoint, carrying what the plan says; a second run creates nothing', async ({ api, care }) => {
    const teamId = await care.team();
    const agentId = await care.agent(teamId);
    const planId = await care.plan({
      trigger: BIRTHDAY,
      action: { ...GREETING, automated: true, templates: { en: 'Happy birthday, {name}!', 'zh-CN': '{name},生日快乐!' } },
      assigneeAgentId: agentId,
      assigneeTeamId: teamId,
    });
    const customerId = await care.customer({ name: '李雷', locale: 'zh-CN', birthday: '1990-06-11' });
    await care.customer({ name: 'Not yet', birthday: '1990-07-01' });

    const first = await care.run();
    expect(first).toMatchObject({ plans: 1, evaluatedCustomers: 2, scheduled: 1, late: 0, skipped: {}, cancelled: {} });
    const [occurrence, ...more] = await care.occurrences({ planId });
    expect(more).toEqual([]);
    expect(occurrence).toMatchObject({ customerId, occurrenceKey: expect.stringContaining('2031-06-11'), status: 'scheduled', reason: null, late: false });
    const [touchpoint] = await care.touchpoints(customerId);
    expect(touchpoint).toMatchObject({
      id: occurrence!.touchpointId,
      status: 'scheduled',
      channel: 'sms',
      direction: 'outbound',
      kind: 'greeting_birthday',
      stage: null,
      automated: true,
      message: '李雷,生日快乐!',
      messageLocale: 'zh-CN',
      agentId,
      teamId,
      planOccurrenceId: occurrence!.id,
      late: false,
    });
    expect(new Date(touchpoint!.scheduledFor!).toISOString()).toBe(new Date(occurrence!.dueAt).toISOString());
    expect(new Date(touchpoint!.scheduledFor!).toISOString()).toBe('2031-06-11T09:00:00.000Z');

    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ scheduled: 0, skipped: {}, cancelled: {} });
    expect(await care.touchpoints(customerId)).toHaveLength(1);
    const scheduled = await care.events('touchpoint.scheduled');
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({
      aggregateType: 'touchpoint',
      aggregateId: touchpoint!.id,
      payload: { status: 'scheduled', customerId, planId, planOccurrenceId: occurrence!.id, automated: true, late: false, channel: 'sms', kind: 'greeting_birthday', agentId, teamId },
    });
  });

  it('two runners at once (four on PostgreSQL, each on a connection of the pool) create one touchpoint per occurrence', async ({ api, care }) => {
    await care.plan({ trigger: BIRTHDAY, action: GREETING });
    const ids = await Promise.all([0, 1, 2, 3, 4].map((i) => care.customer({ name: `C${i}`, birthday: '1985-06-11' })));
    const runs = await Promise.all([0, 1, 2, 3].map(() => runCarePlans({ db: api.db.db, clock: api.clock }, { orgId: care.orgId, batchSize: 2 })));
    expect(runs.reduce((n, r) => n + r.scheduled, 0)).toBe(5);
    for (const id of ids) expect(await care.touchpoints(id)).toHaveLength(1);
    expect(await care.events('touchpoint.scheduled')).toHaveLength(5);
  });

  it('pages of the audience: every customer is evaluated once per run, in bounded pages', async ({ api, care }) => {
    await care.plan({ trigger: BIRTHDAY, action: GREETING });
    for (let i = 0; i < 7; i++) await care.customer({ name: `P${i}`, birthday: i % 2 ? '1980-06-11' : '1980-12-01' });
    const counts = await runCarePlans({ db: api.db.db, clock: api.clock }, { orgId: care.orgId, batchSize: 3 });
    expect(counts).toMatchObject({ evaluatedCustomers: 7, scheduled: 3 });
  });
});

describe('catch-up after downtime', () => {
  it('an occurrence missed by less than maxLateness is created once, late; an older one is recorded too_late without a touchpoint, once', async ({ api, care }) => {
    const planId = await care.plan({ trigger: { type: 'after_purchase', days: 1 }, maxLatenessSeconds: 86_400 });
    const customerId = await care.customer();
    const old = await care.purchase(customerId, '2031-06-10T08:00:00Z');
    const recent = await care.purchase(customerId, '2031-06-18T08:00:00Z');
    await care.purchase(customerId, '2031-06-22T08:00:00Z', 'Toaster'); // due 2031-06-23: beyond the lead time of the run below

    api.clock.set('2031-06-19T20:00:00Z'); // down since the plan was created
    const counts = await care.run();
    expect(counts).toMatchObject({ scheduled: 1, late: 1, skipped: { too_late: 1 } });
    const occurrences = await care.occurrences({ planId });
    expect(occurrences.map((o) => [o.occurrenceKey.includes(old) ? 'old' : o.occurrenceKey.includes(recent) ? 'recent' : 'other', o.status, o.reason, o.late])).toEqual([
      ['old', 'skipped', 'too_late', false],
      ['recent', 'scheduled', null, true],
    ]);
    const [touchpoint, ...none] = await care.touchpoints(customerId);
    expect(none).toEqual([]);
    expect(touchpoint).toMatchObject({ late: true, purchaseId: recent, planOccurrenceId: occurrences[1]!.id });
    expect(await care.events('touchpoint.skipped')).toMatchObject([{ payload: { reason: 'too_late', occurrenceId: occurrences[0]!.id, planId } }]);

    api.clock.advance({ minutes: 5 });
    expect(await care.run()).toMatchObject({ scheduled: 0, skipped: {} });
    expect(await care.events('touchpoint.skipped')).toHaveLength(1);
    expect(await care.touchpoints(customerId)).toHaveLength(1);
  });
});

describe('contact preferences and exits', () => {
  it('opted out: a new occurrence is skipped opted_out; a scheduled one is cancelled with its touchpoint, keeping the reason', async ({ api, care }) => {
    const planId = await care.plan({ trigger: BIRTHDAY, action: GREETING });
    const out = await care.customer({ birthday: '1970-06-11', careOptedOutAt: '2031-01-01T00:00:00Z' });
    const later = await care.customer({ birthday: '1970-06-11' });
    expect(await care.run()).toMatchObject({ scheduled: 1, skipped: { opted_out: 1 } });
    expect(await care.touchpoints(out)).toEqual([]);

    await api.db.db.update(customers).set({ careOptedOutAt: api.clock.now().toISOString() }).where(eq(customers.id, later));
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ cancelled: { opted_out: 1 } });
    expect(await care.occurrences({ planId, customerId: later })).toMatchObject([{ status: 'cancelled', reason: 'opted_out' }]);
    expect(await care.touchpoints(later)).toMatchObject([{ status: 'cancelled', cancelReason: 'opted_out' }]);
    expect(await care.events('touchpoint.cancelled')).toMatchObject([{ payload: { customerId: later, exit: 'opted_out', status: 'cancelled', from: 'scheduled' } }]);
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ scheduled: 0, cancelled: {} });
    expect(await care.occurrences({ planId, customerId: later })).toMatchObject([{ status: 'cancelled', reason: 'opted_out' }]);
  });

  it('a channel the customer does not allow: skipped channel_not_allowed; any channel when the list is null; a channel withdrawn later cancels', async ({ api, care }) => {
    await care.plan({ trigger: BIRTHDAY, action: GREETING });
    await care.customer({ birthday: '1970-06-11', contactChannels: ['email'] });
    const both = await care.customer({ birthday: '1970-06-11', contactChannels: ['sms', 'email'] });
    await care.customer({ birthday: '1970-06-11' });
    expect(await care.run()).toMatchObject({ scheduled: 2, skipped: { channel_not_allowed: 1 } });
    await api.db.db.update(customers).set({ contactChannels: ['email'] }).where(eq(customers.id, both));
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ scheduled: 0, cancelled: { channel_not_allowed: 1 } });
    expect(await care.touchpoints(both)).toMatchObject([{ status: 'cancelled', cancelReason: 'channel_not_allowed' }]);
  });

  it('a complaint of theirs open: skipped complaint_open; one opened after scheduling cancels; a resolved one does not hold back', async ({ api, care }) => {
    const planId = await care.plan({ trigger: BIRTHDAY, action: GREETING });
    const open = await care.customer({ birthday: '1970-06-11' });
    await care.complaint(open, { status: 'in_progress' });
    const resolved = await care.customer({ birthday: '1970-06-11' });
    await care.complaint(resolved, { status: 'closed' });
    expect(await care.run()).toMatchObject({ scheduled: 1, skipped: { complaint_open: 1 } });
    await care.complaint(resolved, { status: 'new' });
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ cancelled: { complaint_open: 1 } });
    expect(await care.occurrences({ planId, customerId: resolved })).toMatchObject([{ status: 'cancelled', reason: 'complaint_open' }]);
  });

  it('the audience in SQL (tier, stage, tags, special needs, site) and audience_left cancels what was scheduled', async ({ api, care, site }) => {
    const planId = await care.plan({ trigger: BIRTHDAY, action: GREETING, audience: { tiers: ['A'], lifecycleStages: ['active'], tags: ['vip', 'gold'], specialNeeds: ['elderly'] } });
    const base = { birthday: '1960-06-11', tier: 'A' as const, lifecycleStage: 'active' as const, tags: ['gold'], specialNeeds: ['elderly'] };
    const member = await care.customer(base);
    await care.customer({ ...base, tier: 'B' });
    await care.customer({ ...base, lifecycleStage: 'lapsed' });
    await care.customer({ ...base, tags: ['other'] });
    await care.customer({ ...base, specialNeeds: [] });
    await care.customer({ ...base, erasedAt: '2031-01-01T00:00:00Z' });
    expect(await care.run()).toMatchObject({ evaluatedCustomers: 1, scheduled: 1 });

    await api.db.db.update(customers).set({ tier: 'C' }).where(eq(customers.id, member));
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ evaluatedCustomers: 0, cancelled: { audience_left: 1 } });
    expect(await care.occurrences({ planId })).toMatchObject([{ customerId: member, status: 'cancelled', reason: 'audience_left' }]);
    expect(await care.touchpoints(member)).toMatchObject([{ status: 'cancelled', cancelReason: 'audience_left' }]);

    // Sites: customers who gave feedback or filed a complaint on the site.
    await care.plan({ trigger: BIRTHDAY, action: GREETING, audience: { siteIds: [site.rowId] } });
    const onSite = await care.customer({ birthday: '1960-06-11' });
    await care.complaint(onSite, { siteId: site.rowId, status: 'closed' });
    await care.customer({ birthday: '1960-06-11' });
    expect(await care.run()).toMatchObject({ evaluatedCustomers: 1 + 0 + 0, scheduled: 1 });
  });

  it('SILENCE: contact made after the occurrence was scheduled cancels it (contact_made); automated touchpoints are not contact', async ({ api, care }) => {
    const planId = await care.plan({ trigger: { type: 'silence', days: 30 }, action: { kind: 'follow_up', channel: 'phone' } }, '2031-05-01T00:00:00Z');
    const customerId = await care.customer({ createdAt: '2031-01-01T00:00:00Z' });
    await care.contact(customerId, '2031-05-12T10:00:00Z');
    await care.contact(customerId, '2031-06-01T10:00:00Z', { automated: true, direction: 'outbound', kind: 'greeting_holiday' });
    expect(await care.run()).toMatchObject({ scheduled: 1 });
    const [scheduled] = await care.touchpoints(customerId).then((rows) => rows.filter((r) => r.status === 'scheduled'));
    expect(new Date(scheduled!.scheduledFor!).toISOString().slice(0, 10)).toBe('2031-06-11');

    api.clock.advance({ hours: 2 });
    await care.contact(customerId, api.clock.now().toISOString());
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ scheduled: 0, cancelled: { contact_made: 1 } });
    expect(await care.occurrences({ planId })).toMatchObject([{ status: 'cancelled', reason: 'contact_made' }]);
  });

  it('quietRules.minDaysSinceContact: a contact within that many days skips recently_contacted', async ({ care }) => {
    await care.plan({ trigger: BIRTHDAY, action: GREETING, quietRules: { minDaysSinceContact: 10 } });
    const recent = await care.customer({ birthday: '1970-06-11' });
    await care.contact(recent, '2031-06-05T10:00:00Z');
    const long = await care.customer({ birthday: '1970-06-11' });
    await care.contact(long, '2031-05-01T10:00:00Z');
    expect(await care.run()).toMatchObject({ scheduled: 1, skipped: { recently_contacted: 1 } });
  });

  it('erasure cancels the customer\'s scheduled occurrences and touchpoints (erased); the occurrence keeps its reason', async ({ api, care }) => {
    const planId = await care.plan({ trigger: BIRTHDAY, action: GREETING });
    const customerId = await care.customer({ birthday: '1970-06-11' });
    await care.run();
    await eraseCustomer(api.tenant(care.orgId), customerId);
    expect(await care.occurrences({ planId })).toMatchObject([{ status: 'cancelled', reason: 'erased' }]);
    expect(await care.touchpoints(customerId)).toMatchObject([{ status: 'cancelled', cancelReason: 'erased' }]);
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ evaluatedCustomers: 0, scheduled: 0, cancelled: {} });
  });

  it('merging two customers who both have a birthday occurrence works: the source\'s is cancelled (merged) and dropped where the target has the key, others move', async ({ api, care }) => {
    const planId = await care.plan({ trigger: BIRTHDAY, action: GREETING });
    const other = await care.plan({ trigger: { type: 'after_purchase', days: 1 } });
    const source = await care.customer({ birthday: '1970-06-11' });
    const target = await care.customer({ birthday: '1970-06-11' });
    await care.purchase(source, '2031-06-10T06:00:00Z');
    expect(await care.run()).toMatchObject({ scheduled: 3 });

    await mergeCustomers(api.tenant(care.orgId), source, target);
    // The source's cancelled occurrences keep their history, no longer holding the key.
    const birthdays = await care.occurrences({ planId });
    expect(birthdays).toMatchObject([
      { customerId: target, status: 'scheduled', occurrenceKey: 'birthday:2031-06-11' },
      { customerId: target, status: 'cancelled', reason: 'merged', occurrenceKey: `birthday:2031-06-11#merged:${source}` },
    ]);
    expect(await care.occurrences({ planId: other })).toMatchObject([{ customerId: target, status: 'cancelled', reason: 'merged', occurrenceKey: expect.stringMatching(new RegExp(`^purchase:.*#merged:${source}$`)) }]);
    const moved = await care.touchpoints(target);
    expect(moved.map((t) => [t.status, t.cancelReason]).sort()).toEqual([
      ['cancelled', 'merged'],
      ['cancelled', 'merged'],
      ['scheduled', null],
    ]);
    expect(await care.events('touchpoint.cancelled')).toHaveLength(2);
    // The purchase moved to the survivor and its follow-up, cancelled (merged), no longer holds the
    // key: the next run schedules the survivor's own; the birthday it already has is not doubled.
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ scheduled: 1 });
    expect(await care.occurrences({ planId: other, customerId: target }).then((rows) => rows.filter((o) => o.status === 'scheduled'))).toHaveLength(1);
    expect(await care.occurrences({ planId })).toHaveLength(2);
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ scheduled: 0 });
  });

  it('merge: the source\'s scheduled birthday occurrence, cancelled (merged), does not hold the key: the survivor\'s next run schedules its own, once', async ({ api, care }) => {
    const planId = await care.plan({ trigger: BIRTHDAY, action: GREETING });
    const source = await care.customer({ birthday: '1970-06-11' });
    const target = await care.customer({ birthday: null }); // no occurrence yet: the merge gives it the source's birthday
    expect(await care.run()).toMatchObject({ scheduled: 1 });

    await mergeCustomers(api.tenant(care.orgId), source, target);
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ scheduled: 1 });
    const touchpoints = await care.touchpoints(target);
    expect(touchpoints.map((t) => [t.status, t.cancelReason]).sort()).toEqual([
      ['cancelled', 'merged'],
      ['scheduled', null],
    ]);
    expect(await care.occurrences({ planId })).toMatchObject([
      { customerId: target, status: 'scheduled', occurrenceKey: 'birthday:2031-06-11' },
      { customerId: target, status: 'cancelled', reason: 'merged', occurrenceKey: `birthday:2031-06-11#merged:${source}` },
    ]);
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ scheduled: 0 });
    expect(await care.touchpoints(target)).toHaveLength(2);
  });
});

describe('after a purchase, for one product', () => {
  it('the product is its exact name in any letter case: "kettle" schedules the "Kettle" bought 6 days ago, not the "Kettle Pro"', async ({ care }) => {
    const planId = await care.plan({ trigger: { type: 'after_purchase', days: 7, product: 'kettle' } });
    const customerId = await care.customer();
    const kettle = await care.purchase(customerId, '2031-06-04T08:00:00Z', 'Kettle');
    await care.purchase(customerId, '2031-06-04T08:30:00Z', 'Kettle Pro');
    await care.purchase(customerId, '2031-06-04T09:00:00Z', 'Toaster');
    expect(await care.run()).toMatchObject({ scheduled: 1 });
    expect(await care.occurrences({ planId })).toMatchObject([{ customerId, occurrenceKey: `purchase:${kettle}`, status: 'scheduled' }]);
    const [touchpoint, ...none] = await care.touchpoints(customerId);
    expect(none).toEqual([]);
    expect(touchpoint).toMatchObject({ purchaseId: kettle, status: 'scheduled' });
    expect(new Date(touchpoint!.scheduledFor!).toISOString()).toBe('2031-06-11T09:00:00.000Z');
  });
});

describe('ANNUAL_DATE through runCarePlans', () => {
  it('1 January at 00:00 local in Asia/Shanghai: scheduled for the new year across the year boundary, at local midnight, once; a UTC customer a day\'s lead later', async ({ api, care }) => {
    const planId = await care.plan({ trigger: { type: 'annual_date', month: 1, day: 1 }, action: { ...GREETING, kind: 'greeting_holiday', localTime: '00:00', leadTimeSeconds: 86_400 } });
    const shanghai = await care.customer({ timeZone: 'Asia/Shanghai' });
    const utc = await care.customer();

    api.clock.set('2031-12-30T17:00:00Z'); // 31 December 01:00 in Shanghai
    expect(await care.run()).toMatchObject({ scheduled: 1 });
    const [touchpoint] = await care.touchpoints(shanghai);
    expect(new Date(touchpoint!.scheduledFor!).toISOString()).toBe('2031-12-31T16:00:00.000Z');
    expect(await care.occurrences({ planId })).toMatchObject([{ customerId: shanghai, occurrenceKey: 'annual:2032-01-01', status: 'scheduled' }]);

    api.clock.set('2031-12-31T16:00:00Z'); // local midnight in Shanghai: the next date is not this one again
    expect(await care.run()).toMatchObject({ scheduled: 1, late: 0, skipped: {} });
    expect(await care.touchpoints(shanghai)).toHaveLength(1);
    const [utcTouchpoint] = await care.touchpoints(utc);
    expect(new Date(utcTouchpoint!.scheduledFor!).toISOString()).toBe('2032-01-01T00:00:00.000Z');

    api.clock.set('2032-01-01T00:30:00Z');
    expect(await care.run()).toMatchObject({ scheduled: 0, skipped: {} });
    expect((await care.occurrences({ planId })).map((o) => o.occurrenceKey)).toEqual(['annual:2032-01-01', 'annual:2032-01-01']);
  });

  it('a holiday from the org\'s list (explicit dates and a fixed month/day): its date this year; a key the list does not have schedules nothing', async ({ api, care }) => {
    await api.db.db
      .update(organizations)
      .set({ careSettings: { holidays: [{ key: 'spring', name: 'Spring Festival', dates: ['2031-01-23', '2032-02-11'] }, { key: 'national', name: 'National Day', month: 10, day: 1 }] } })
      .where(eq(organizations.id, care.orgId));
    const spring = await care.plan({ trigger: { type: 'annual_date', holiday: 'spring' }, action: { ...GREETING, kind: 'greeting_holiday' } });
    const national = await care.plan({ trigger: { type: 'annual_date', holiday: 'national' }, action: { ...GREETING, kind: 'greeting_holiday', channel: 'email' } });
    await care.plan({ trigger: { type: 'annual_date', holiday: 'gone' }, action: { ...GREETING, kind: 'greeting_holiday', channel: 'wechat' } });
    const customerId = await care.customer();

    api.clock.set('2031-09-30T10:00:00Z');
    expect(await care.run()).toMatchObject({ scheduled: 1 });
    expect(await care.occurrences({ planId: national })).toMatchObject([{ customerId, occurrenceKey: 'annual:2031-10-01', status: 'scheduled' }]);

    api.clock.set('2032-02-10T10:00:00Z');
    expect(await care.run()).toMatchObject({ scheduled: 1 });
    expect(await care.occurrences({ planId: spring })).toMatchObject([{ customerId, occurrenceKey: 'annual:2032-02-11', status: 'scheduled' }]);
    const touchpoints = await care.touchpoints(customerId);
    expect(touchpoints.map((t) => [t.channel, new Date(t.scheduledFor!).toISOString()])).toEqual([
      ['email', '2031-10-01T09:00:00.000Z'],
      ['sms', '2032-02-11T09:00:00.000Z'],
    ]);
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ scheduled: 0 });
  });
});

describe('EVERY through runCarePlans', () => {
  it('fixed: from startsOn every N days, each once, within the lead time', async ({ api, care }) => {
    const planId = await care.plan({ trigger: { type: 'every', days: 7, anchor: 'fixed', startsOn: '2031-06-11' } });
    const customerId = await care.customer();
    expect(await care.run()).toMatchObject({ scheduled: 1 });
    api.clock.set('2031-06-16T10:00:00Z');
    expect(await care.run()).toMatchObject({ scheduled: 1 });
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ scheduled: 0 });
    expect((await care.occurrences({ planId })).map((o) => [o.customerId, o.occurrenceKey, o.status])).toEqual([
      [customerId, 'every:2031-06-11', 'scheduled'],
      [customerId, 'every:2031-06-18', 'scheduled'],
    ]);
    expect((await care.touchpoints(customerId)).map((t) => new Date(t.scheduledFor!).toISOString())).toEqual(['2031-06-11T09:00:00.000Z', '2031-06-18T09:00:00.000Z']);
  });

  it('last_completed: N days after the plan (or customer) began, then N days after the last completed touchpoint of the plan', async ({ api, care }) => {
    const planId = await care.plan({ trigger: { type: 'every', days: 10, anchor: 'last_completed' } }, '2031-06-01T00:00:00Z');
    const customerId = await care.customer({ createdAt: '2031-05-01T00:00:00Z' });
    expect(await care.run()).toMatchObject({ scheduled: 1 });
    const [first] = await care.touchpoints(customerId);
    expect(new Date(first!.scheduledFor!).toISOString()).toBe('2031-06-11T09:00:00.000Z');

    // Completed two days late: the series restarts from the completion (23 June), not 21 June.
    await api.db.db.update(touchpoints).set({ status: 'done', completedAt: '2031-06-13T10:00:00Z', occurredAt: '2031-06-13T10:00:00Z' }).where(eq(touchpoints.id, first!.id));
    api.clock.set('2031-06-21T10:00:00Z');
    expect(await care.run()).toMatchObject({ scheduled: 1, late: 0 });
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ scheduled: 0 });
    expect((await care.occurrences({ planId })).map((o) => o.occurrenceKey)).toEqual(['every:2031-06-11', 'every:2031-06-23']);
    const next = (await care.touchpoints(customerId)).filter((t) => t.status === 'scheduled');
    expect(next.map((t) => new Date(t.scheduledFor!).toISOString())).toEqual(['2031-06-23T09:00:00.000Z']);
  });
});

describe('fatigue cap', () => {
  it('at most 2 planned touchpoints per customer per 7 days across plans, greetings first; what the cap holds back is recorded fatigue_cap', async ({ api, care }) => {
    // Created first, so without the greeting priority they would take the cap.
    const callA = await care.plan({ name: 'call A', trigger: { type: 'after_purchase', days: 1 } }, '2031-06-01T00:00:00Z');
    const callB = await care.plan({ name: 'call B', trigger: { type: 'after_purchase', days: 1 }, action: { channel: 'email' } }, '2031-06-01T00:00:01Z');
    const greeting = await care.plan({ name: 'birthday', trigger: BIRTHDAY, action: GREETING }, '2031-06-02T00:00:00Z');
    const customerId = await care.customer({ birthday: '1970-06-11' });
    await care.purchase(customerId, '2031-06-10T07:00:00Z');
    const counts = await care.run();
    expect(counts).toMatchObject({ scheduled: 2, skipped: { fatigue_cap: 1 } });
    expect(await care.occurrences({ planId: greeting })).toMatchObject([{ status: 'scheduled' }]);
    expect(await care.occurrences({ planId: callA })).toMatchObject([{ status: 'scheduled' }]);
    expect(await care.occurrences({ planId: callB })).toMatchObject([{ status: 'skipped', reason: 'fatigue_cap' }]);
    expect(await care.events('touchpoint.skipped')).toMatchObject([{ payload: { reason: 'fatigue_cap', planId: callB } }]);

    // An org setting: 3 per 7 days lets the next one through (what was skipped stays skipped).
    await api.db.db.update(organizations).set({ careSettings: { fatigueCap: { maxTouchpoints: 3, perDays: 7 } } }).where(eq(organizations.id, care.orgId));
    await care.purchase(customerId, '2031-06-10T07:30:00Z');
    api.clock.advance({ minutes: 1 });
    expect(await care.run()).toMatchObject({ scheduled: 1, skipped: { fatigue_cap: 1 } });
  });
});

describe('the fatigue cap counts any span of perDays days', () => {
  const day = 86_400_000;
  const cap = { maxTouchpoints: 2, perDays: 7 };
  test('two within 7 days hold back a third inside their span, not one a week after the first', () => {
    expect(overCap([0, 3 * day], 5 * day, cap)).toBe(true);
    expect(overCap([0, 3 * day], 7 * day, cap)).toBe(false); // the span [3d, 10d) holds 2
    expect(overCap([0, 3 * day], 9 * day, cap)).toBe(false);
    expect(overCap([0], 6 * day, cap)).toBe(false);
    expect(overCap([0, 10 * day], 5 * day, cap)).toBe(false); // 0 and 5d, or 5d and 10d: never 3 in 7 days
    expect(overCap([0, 6 * day], 3 * day, cap)).toBe(true);
    expect(overCap([], 0, { maxTouchpoints: 1, perDays: 7 })).toBe(false);
    expect(overCap([2 * day], 0, { maxTouchpoints: 1, perDays: 7 })).toBe(true);
  });
});

describe('after a complaint closes', () => {
  it('takes over the complaint\'s followUpDueAt: the touchpoint falls then and links the complaint', async ({ care }) => {
    await care.plan({ trigger: { type: 'after_complaint_closed' }, action: { kind: 'follow_up', channel: 'phone' } });
    const customerId = await care.customer();
    const complaintId = await care.complaint(customerId, { status: 'closed', closedAt: '2031-06-08T10:00:00Z', followUpDueAt: '2031-06-11T10:00:00Z' });
    expect(await care.run()).toMatchObject({ scheduled: 1 });
    const [touchpoint] = await care.touchpoints(customerId);
    expect(touchpoint).toMatchObject({ complaintId, status: 'scheduled', kind: 'follow_up' });
    expect(new Date(touchpoint!.scheduledFor!).toISOString().slice(0, 10)).toBe('2031-06-11');
  });
});

describe('the job and touchpoint.due', () => {
  it('care.run-plans runs every organization\'s plans; when an automated touchpoint\'s time comes it records touchpoint.due once', async ({ api, care }) => {
    await care.plan({ trigger: BIRTHDAY, action: { ...GREETING, automated: true, templates: { en: 'Happy birthday {name}' } } });
    const customerId = await care.customer({ name: 'Ada', birthday: '1970-06-11' });
    const ctx = {
      db: api.db.db,
      clock: api.clock,
      logger: silent,
      job: { id: 'test', kind: careRunPlans.kind, orgId: null, attempt: 1, maxAttempts: 3 },
      signal: new AbortController().signal,
    };
    expect(careRunPlans.every).toBe('minute');
    await careRunPlans.handle({}, ctx);
    const [touchpoint] = await care.touchpoints(customerId);
    expect(touchpoint).toMatchObject({ status: 'scheduled', message: 'Happy birthday Ada', messageLocale: 'en' });
    expect(await care.events('touchpoint.due')).toEqual([]);

    api.clock.set('2031-06-11T09:00:30Z');
    await Promise.all([careRunPlans.handle({}, ctx), careRunPlans.handle({}, ctx)]);
    api.clock.advance({ minutes: 1 });
    await careRunPlans.handle({}, ctx);
    expect(await care.events('touchpoint.due')).toMatchObject([
      { aggregateId: touchpoint!.id, payload: { customerId, scheduledFor: '2031-06-11T09:00:00.000Z', channel: 'sms', kind: 'greeting_birthday' } },
    ]);
  });
});

describe('carePlanPreview and CarePlan.nextOccurrences', () => {
  const PREVIEW = `query($planId: ID!, $first: Int, $at: DateTime) { carePlanPreview(planId: $planId, first: $first, at: $at) {
    evaluatedCustomers complete entries { customer { id name } occurrenceKey dueAt localDate outcome skipReason late } } }`;

  it('shows who a run would schedule, when and why, and what it would skip and why, writing nothing; the run then does just that', async ({ api, care }) => {
    const planId = await care.plan({ trigger: BIRTHDAY, action: GREETING });
    await care.customer({ name: 'Yes', birthday: '1990-06-11' });
    await care.customer({ name: 'Opted out', birthday: '1990-06-11', careOptedOutAt: '2031-01-01T00:00:00Z' });
    await care.customer({ name: 'Later', birthday: '1990-09-01' });
    const planGid = encodeGlobalID('CarePlan', planId);
    const preview = dataOf(await care.as.gql(PREVIEW, { planId: planGid })).carePlanPreview;
    expect(preview).toMatchObject({ evaluatedCustomers: 3, complete: true });
    // Audience order is (createdAt, id): both were created at one instant, so sorted here by outcome.
    const rows = preview.entries.map((e: any) => [e.customer.name, e.occurrenceKey, e.dueAt, e.localDate, e.outcome, e.skipReason, e.late]);
    expect(rows.sort((a: string[], b: string[]) => a[4]!.localeCompare(b[4]!))).toEqual([
      ['Yes', 'birthday:2031-06-11', '2031-06-11T09:00:00.000Z', '2031-06-11', 'SCHEDULE', null, false],
      ['Opted out', 'birthday:2031-06-11', '2031-06-11T09:00:00.000Z', '2031-06-11', 'SKIP', 'OPTED_OUT', false],
    ]);
    expect(await care.occurrences()).toEqual([]);
    expect(await care.touchpoints()).toEqual([]);

    // As if run in September: the later birthday.
    const september = dataOf(await care.as.gql(PREVIEW, { planId: planGid, at: '2031-08-31T10:00:00Z' })).carePlanPreview;
    expect(september.entries.map((e: any) => [e.customer.name, e.outcome])).toEqual([['Later', 'SCHEDULE']]);
    expect(await care.as.gql(PREVIEW, { planId: planGid, at: 'tomorrow' })).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });

    expect(await care.run()).toMatchObject({ scheduled: 1, skipped: { opted_out: 1 } });
    expect(dataOf(await care.as.gql(PREVIEW, { planId: planGid })).carePlanPreview.entries).toEqual([]);

    const first = dataOf(await care.as.gql(PREVIEW, { planId: planGid, first: 1, at: '2031-08-31T10:00:00Z' })).carePlanPreview;
    expect(first.entries).toHaveLength(1);
    void api;
  });

  it("nextOccurrences: the customer's next N, with what is recorded; empty outside the audience", async ({ care }) => {
    const planId = await care.plan({ trigger: BIRTHDAY, action: GREETING, audience: { tags: ['vip'] } });
    const vip = await care.customer({ birthday: '1990-06-11', tags: ['vip'], timeZone: 'Asia/Shanghai' });
    const other = await care.customer({ birthday: '1990-06-11' });
    await care.run();
    const query = `query($id: ID!, $customerId: ID!) { node(id: $id) { ... on CarePlan { nextOccurrences(customerId: $customerId, count: 3) { key dueAt localDate status reason } } } }`;
    const planGid = encodeGlobalID('CarePlan', planId);
    const next = dataOf(await care.as.gql(query, { id: planGid, customerId: encodeGlobalID('Customer', vip) })).node.nextOccurrences;
    expect(next).toEqual([
      { key: 'birthday:2031-06-11', dueAt: '2031-06-11T01:00:00.000Z', localDate: '2031-06-11', status: 'SCHEDULED', reason: null },
      { key: 'birthday:2032-06-11', dueAt: '2032-06-11T01:00:00.000Z', localDate: '2032-06-11', status: null, reason: null },
      { key: 'birthday:2033-06-11', dueAt: '2033-06-11T01:00:00.000Z', localDate: '2033-06-11', status: null, reason: null },
    ]);
    expect(dataOf(await care.as.gql(query, { id: planGid, customerId: encodeGlobalID('Customer', other) })).node.nextOccurrences).toEqual([]);
  });
});
