import { describe, expect } from 'vitest';
import { test as it } from '../helpers/fixtures.ts';
import { careTeamOf, ok } from './care-team-fixtures.ts';
import { clockOf, eventsOf, HOUR, officeHours, slaOf, storedClocks, updateSettings, watch, widgetOfOrg } from './complaints-sla-fixtures.ts';
import { confirmResolution, filedComplaint, replyTo, staffOk, storedComplaint, type Json } from './complaints-lifecycle-fixtures.ts';

/**
 * The SLA clocks driven end to end by the lifecycle's staff mutations (API key), with the
 * file's TestClock and the watcher run by hand; the customer's side through the tracker's
 * public mutations (replyToComplaint, confirmComplaintResolution).
 */
const MONDAY_0900 = '2026-12-07T09:00:00.000Z';
const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000).toISOString();
const people: Json = {};

it.beforeAll(async ({ api }) => {
  people.mei = ok(await careTeamOf(api.asA).createAgent({ name: 'Mei', email: 'mei@sla.example' }));
});

describe('SLA through the lifecycle', () => {
  it('an internal note fulfils nothing; the first customer-visible note fulfils first response', async ({ api, widget }) => {
    api.clock.set(MONDAY_0900);
    const c = await filedComplaint(api, widget);
    const by = { complaintId: c.complaintId, actorAgentId: people.mei.id };
    api.clock.advance({ hours: 1 });
    await staffOk(api.asA, 'acknowledgeComplaint', by);
    await staffOk(api.asA, 'assignComplaint', { ...by, agentId: people.mei.id });
    await staffOk(api.asA, 'addComplaintNote', { ...by, body: 'Looks like the courier again.', visibility: 'INTERNAL' });
    let { sla } = await slaOf(api.asA, c.rowId);
    expect(sla.map((x) => [x.metric, x.status])).toEqual([
      ['FIRST_RESPONSE', 'ACTIVE'],
      ['RESOLUTION', 'ACTIVE'],
    ]);
    api.clock.advance({ hours: 1 });
    await staffOk(api.asA, 'addComplaintNote', { ...by, body: 'We are on it.', visibility: 'CUSTOMER' });
    ({ sla } = await slaOf(api.asA, c.rowId));
    expect(clockOf(sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'FULFILLED', fulfilledAt: at(MONDAY_0900, 2 * HOUR), usedBusinessSeconds: 2 * HOUR });
    expect(clockOf(sla, 'RESOLUTION').status).toBe('ACTIVE');
    expect((await slaOf(api.asA, c.rowId)).nextDueAt).toBe(at(MONDAY_0900, 72 * HOUR));
  });

  it('only internal notes until the target: first response breaches once, the complaint escalates', async ({ api, widget }) => {
    api.clock.set(MONDAY_0900);
    const c = await filedComplaint(api, widget);
    const by = { complaintId: c.complaintId, actorAgentId: people.mei.id };
    await staffOk(api.asA, 'addComplaintNote', { ...by, body: 'Internal only.', visibility: 'INTERNAL' });
    api.clock.advance({ hours: 8, minutes: 1 });
    await Promise.all([watch(api), watch(api)]);
    await watch(api);
    expect((await eventsOf(api, c.rowId, 'complaint.sla_warning', 'complaint.sla_breached')).map((e) => [e.type, e.payload.metric])).toEqual([
      ['complaint.sla_warning', 'first_response'],
      ['complaint.sla_breached', 'first_response'],
    ]);
    expect(await storedComplaint(api, c.rowId)).toMatchObject({ escalated: true });
    expect((await eventsOf(api, c.rowId, 'complaint.escalated')).map((e) => e.payload)).toEqual([{ reasons: ['sla_breached'] }]);
  });

  it('a severity change by triage keeps the time used; the event names the acting agent', async ({ api, widget }) => {
    api.clock.set(MONDAY_0900);
    const c = await filedComplaint(api, widget);
    const by = { complaintId: c.complaintId, actorAgentId: people.mei.id };
    api.clock.advance({ hours: 3 });
    await staffOk(api.asA, 'triageComplaint', { ...by, severity: 'HIGH', complainantType: 'VOICER' });
    const now = api.clock.now().toISOString();
    const { sla, nextDueAt } = await slaOf(api.asA, c.rowId);
    expect(clockOf(sla, 'FIRST_RESPONSE')).toMatchObject({ targetBusinessSeconds: 4 * HOUR, usedBusinessSeconds: 3 * HOUR, dueAt: at(now, HOUR) });
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ targetBusinessSeconds: 48 * HOUR, usedBusinessSeconds: 3 * HOUR });
    expect(nextDueAt).toBe(at(now, HOUR));
    const [event] = await eventsOf(api, c.rowId, 'complaint.sla_retargeted');
    expect(event).toMatchObject({ actorType: 'api_key' });
    expect(event!.actingAgentId).toBeTruthy();
  });

  it('3 days awaiting the customer, their reply, resolve, the "thanks" (closing), reopen: no breach, total resolution kept', async ({ api, widget }) => {
    api.clock.set(MONDAY_0900);
    const c = await filedComplaint(api, widget);
    const by = { complaintId: c.complaintId, actorAgentId: people.mei.id };
    await staffOk(api.asA, 'assignComplaint', { ...by, agentId: people.mei.id });
    api.clock.advance({ hours: 2 });
    await staffOk(api.asA, 'requestCustomerInfo', { ...by, message: 'Which order was it?' });
    api.clock.advance({ days: 3 });
    await watch(api);
    let { sla } = await slaOf(api.asA, c.rowId);
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ status: 'PAUSED', usedBusinessSeconds: 2 * HOUR });
    // The customer answers through the tracker (site key, reference and code).
    const reply = await replyTo(widget, { reference: c.reference, trackingToken: c.trackingToken, message: 'Order 4711.' });
    expect(reply.__typename).toBe('MutationReplyToComplaintSuccess');
    api.clock.advance({ hours: 1 });
    await staffOk(api.asA, 'resolveComplaint', { ...by, resolution: 'Refunded.' });
    ({ sla } = await slaOf(api.asA, c.rowId));
    expect(sla.map((x) => [x.metric, x.status])).toEqual([
      ['FIRST_RESPONSE', 'FULFILLED'],
      ['RESOLUTION', 'FULFILLED'],
      ['NEXT_REPLY', 'CANCELLED'],
    ]);
    expect(clockOf(sla, 'RESOLUTION').usedBusinessSeconds).toBe(3 * HOUR);
    // A "thanks" while RESOLVED: the customer confirms with a comment; it closes and starts nothing.
    api.clock.advance({ hours: 1 });
    const thanks = await confirmResolution(widget, { reference: c.reference, trackingToken: c.trackingToken, solved: true, comment: 'Thanks!' });
    expect(thanks.__typename).toBe('MutationConfirmComplaintResolutionSuccess');
    expect((await slaOf(api.asA, c.rowId)).sla.map((x) => x.status)).toEqual(['FULFILLED', 'FULFILLED', 'CANCELLED']);
    api.clock.advance({ days: 5 });
    await staffOk(api.asA, 'reopenComplaint', { ...by, reason: 'The refund never arrived.' });
    const reopened = api.clock.now().toISOString();
    ({ sla } = await slaOf(api.asA, c.rowId));
    expect(clockOf(sla, 'RESOLUTION')).toMatchObject({ status: 'ACTIVE', usedBusinessSeconds: 3 * HOUR, dueAt: at(reopened, 69 * HOUR) });
    expect(sla.filter((x) => x.metric === 'NEXT_REPLY')).toHaveLength(1);
    await watch(api);
    expect(await eventsOf(api, c.rowId, 'complaint.sla_breached')).toEqual([]);
    expect((await storedClocks(api, c.rowId)).length).toBe(3);
  });

  it('a holiday on business hours: filed Friday 16:30, Monday closed, answered Tuesday 09:15 is within 1 h', async ({ api, newOrg }) => {
    const { widget } = await widgetOfOrg(api, newOrg);
    await updateSettings(newOrg.as, { openHours: officeHours(), holidays: ['2026-12-07'], targets: { medium: { firstResponseSeconds: HOUR } } });
    const agent = ok(await careTeamOf(newOrg.as).createAgent({ name: 'Ana', email: 'ana@holiday.example' }));
    api.clock.set('2026-12-04T16:30:00.000Z');
    const c = await filedComplaint(api, widget);
    api.clock.set('2026-12-07T12:00:00.000Z'); // the holiday: nothing counts
    await watch(api);
    expect(await eventsOf(api, c.rowId, 'complaint.sla_warning', 'complaint.sla_breached')).toEqual([]);
    api.clock.set('2026-12-08T09:15:00.000Z');
    await staffOk(newOrg.as, 'addComplaintNote', { complaintId: c.complaintId, actorAgentId: agent.id, body: 'Sorry for the wait.', visibility: 'CUSTOMER' });
    const { sla } = await slaOf(newOrg.as, c.rowId);
    expect(clockOf(sla, 'FIRST_RESPONSE')).toMatchObject({ status: 'FULFILLED', usedBusinessSeconds: 45 * 60, dueAt: '2026-12-08T09:30:00.000Z' });
  });
});
