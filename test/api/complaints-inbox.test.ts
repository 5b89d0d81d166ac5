import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { and, eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { complaints, events, slaClocks } from '../../server/db/tables/index.ts';
import { dataOf, type Caller, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { careTeamOf, ok } from './care-team-fixtures.ts';
import { filed, type Json } from './complaints-fixtures.ts';
import { customersOf } from './customers-fixtures.ts';

const rowId = (id: string) => decodeGlobalID(id).id;

const NODE = `id reference status severity complainantType category escalated escalatedAt transferCount reopenCount
  assigneeStations firstContactResolution acknowledgedAt firstResponseAt firstResolvedAt resolvedAt closedAt followUpDueAt
  nextDueAt createdAt updatedAt customer { id name } assignee { id name } team { id name } suggestedCustomer { id name }`;

async function inbox(caller: Caller, args: Json = {}) {
  const query = `query($first: Int, $after: String, $filter: ComplaintFilter, $orderBy: ComplaintOrder) {
    complaints(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${NODE} } } } }`;
  return dataOf(await caller.gql(query, { first: 100, ...args })).complaints as {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string };
    edges: { node: Json }[];
  };
}

const refs = (page: { edges: { node: Json }[] }) => page.edges.map((e) => e.node.reference);

/** Sets columns the lifecycle and the SLA engine will write (neither is on main yet). */
async function setRow(api: TestApi, reference: string, values: Partial<typeof complaints.$inferInsert>) {
  await api.db.db
    .update(complaints)
    .set(values)
    .where(and(eq(complaints.orgId, api.orgA.id), eq(complaints.reference, reference)));
}

async function complaintRow(api: TestApi, reference: string) {
  const [row] = await api.db.db
    .select()
    .from(complaints)
    .where(and(eq(complaints.orgId, api.orgA.id), eq(complaints.reference, reference)));
  return row!;
}

/** The test's complaints, by name: filed one minute apart, then given the columns named. */
const c: Record<string, Json> = {};
let mei: Json;
let lin: Json;
let billing: Json;
let otherSiteId: string;
const t0 = Date.parse('2026-11-02T09:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();

it.beforeAll(async ({ api, widget }) => {
  api.clock.set(new Date(t0));
  const team = careTeamOf(api.asA);
  billing = ok(await team.createTeam({ name: 'Billing' }));
  mei = ok(await team.createAgent({ name: 'Mei', email: 'mei@shop.example', teamId: billing.id }));
  lin = ok(await team.createAgent({ name: 'Lin', email: 'lin@shop.example' }));
  const names = ['dueLate', 'dueSoon', 'noClock', 'resolved', 'closed', 'critical', 'percent', 'otherSite', 'noClockOld'];
  const otherSite = await api.createSite({ allowedOrigins: ['https://other.example'] });
  otherSiteId = otherSite.id;
  const otherWidget = api.withSite(otherSite.publishableKey, otherSite.origin);
  for (const [i, name] of names.entries()) {
    api.clock.set(new Date(t0 + i * 60_000));
    const description =
      name === 'percent' ? 'They charged 100% extra_fee on my_card, twice.' : `Complaint ${name}: the parcel arrived two weeks late.`;
    const contact = name === 'noClock' ? { email: 'Known@Example.com' } : name === 'dueSoon' ? { phone: '+86 138 0000 0001' } : undefined;
    c[name] = await filed(name === 'otherSite' ? otherWidget : widget, {
      description,
      category: name === 'critical' ? 'BILLING' : 'DELIVERY',
      ...(contact ? { contact } : {}),
    });
  }
  const m = rowId(mei.id);
  const l = rowId(lin.id);
  const b = rowId(billing.id);
  await setRow(api, c.dueLate!.reference, { status: 'in_progress', nextDueAt: at(600), assigneeId: m, teamId: b, assigneeStations: 1, updatedAt: at(30) });
  await setRow(api, c.dueSoon!.reference, { status: 'acknowledged', nextDueAt: at(60), acknowledgedAt: at(2), updatedAt: at(20) });
  await setRow(api, c.resolved!.reference, {
    status: 'resolved',
    assigneeId: l,
    resolvedAt: at(40),
    firstResolvedAt: at(40),
    assigneeStations: 1,
    updatedAt: at(40),
  });
  await setRow(api, c.closed!.reference, { status: 'closed', closedAt: at(50), firstResolvedAt: at(45), transferCount: 1, updatedAt: at(50) });
  await setRow(api, c.critical!.reference, {
    status: 'in_progress',
    severity: 'critical',
    complainantType: 'activist',
    escalated: true,
    escalatedAt: at(10),
    nextDueAt: at(120),
    assigneeId: l,
    updatedAt: at(10),
  });
  await setRow(api, c.percent!.reference, { severity: 'low', complainantType: 'passive', nextDueAt: at(60) });
  // Filing starts the SLA clocks (and so nextDueAt); these three stand for complaints with no running clock.
  for (const name of ['noClock', 'otherSite', 'noClockOld']) await setRow(api, c[name]!.reference, { nextDueAt: null });
  const critical = await complaintRow(api, c.critical!.reference);
  await api.db.db.insert(slaClocks).values({
    orgId: api.orgA.id,
    complaintId: critical.id,
    metric: 'first_response',
    status: 'breached',
    targetBusinessSeconds: 3600,
    usedBusinessSeconds: 3700,
    startedAt: at(5),
    breachedAt: at(65),
  });
  // A customer whose identities match the contacts typed in noClock (email) and dueSoon (phone).
  ok(await customersOf(api.asA).create({ name: 'Known Person', email: 'known@example.com', phone: '+8613800000001' }));
});

describe('Complaint fields', () => {
  it('exposes triage, assignment, counters and times', async ({ api }) => {
    const page = await inbox(api.asA, { filter: { search: c.closed!.reference } });
    expect(page.edges).toHaveLength(1);
    expect(page.edges[0]!.node).toMatchObject({
      status: 'CLOSED',
      severity: 'MEDIUM',
      complainantType: null,
      escalated: false,
      transferCount: 1,
      reopenCount: 0,
      firstContactResolution: false,
      closedAt: at(50),
      firstResolvedAt: at(45),
      assignee: null,
      team: null,
    });
    const resolved = (await inbox(api.asA, { filter: { search: c.resolved!.reference } })).edges[0]!.node;
    expect(resolved).toMatchObject({ firstContactResolution: true, assignee: { name: 'Lin' }, assigneeStations: 1, resolvedAt: at(40) });
    const late = (await inbox(api.asA, { filter: { search: c.dueLate!.reference } })).edges[0]!.node;
    expect(late).toMatchObject({ assignee: { id: mei.id, name: 'Mei' }, team: { id: billing.id, name: 'Billing' }, nextDueAt: at(600) });
    const critical = (await inbox(api.asA, { filter: { search: c.critical!.reference } })).edges[0]!.node;
    expect(critical).toMatchObject({ severity: 'CRITICAL', complainantType: 'ACTIVIST', escalated: true, escalatedAt: at(10) });
  });
});

describe('complaints: order', () => {
  it('NEXT_DUE_AT by default: soonest due first, complaints without a clock last (oldest first), ties by filing time', async ({ api }) => {
    const page = await inbox(api.asA, { filter: { open: true } });
    expect(refs(page)).toEqual(
      ['dueSoon', 'percent', 'critical', 'dueLate', 'noClock', 'otherSite', 'noClockOld'].map((n) => c[n]!.reference),
    );
    expect(page.totalCount).toBe(7);
  });

  it('NEXT_DUE_AT DESC: latest due first, still without a clock last', async ({ api }) => {
    const page = await inbox(api.asA, { filter: { open: true }, orderBy: { field: 'NEXT_DUE_AT', direction: 'DESC' } });
    expect(refs(page).slice(0, 4)).toEqual(['dueLate', 'critical', 'percent', 'dueSoon'].map((n) => c[n]!.reference));
    expect(refs(page).slice(4).sort()).toEqual(['noClock', 'otherSite', 'noClockOld'].map((n) => c[n]!.reference).sort());
  });

  it('CREATED_AT newest first by default, ASC when asked; UPDATED_AT', async ({ api }) => {
    const names = ['dueLate', 'dueSoon', 'noClock', 'resolved', 'closed', 'critical', 'percent', 'otherSite', 'noClockOld'];
    expect(refs(await inbox(api.asA, { orderBy: { field: 'CREATED_AT' } }))).toEqual([...names].reverse().map((n) => c[n]!.reference));
    expect(refs(await inbox(api.asA, { orderBy: { field: 'CREATED_AT', direction: 'ASC' } }))).toEqual(names.map((n) => c[n]!.reference));
    const updated = refs(await inbox(api.asA, { orderBy: { field: 'UPDATED_AT' } }));
    expect(updated.slice(0, 4)).toEqual(['closed', 'resolved', 'dueLate', 'dueSoon'].map((n) => c[n]!.reference));
  });

  it('pages of 2 visit every complaint once in every order, past the ones without a due time', async ({ api }) => {
    for (const orderBy of [undefined, { field: 'NEXT_DUE_AT', direction: 'DESC' }, { field: 'CREATED_AT' }, { field: 'UPDATED_AT', direction: 'ASC' }]) {
      const whole = refs(await inbox(api.asA, { orderBy }));
      const seen: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await inbox(api.asA, { first: 2, after, orderBy });
        seen.push(...refs(page));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen, JSON.stringify(orderBy)).toEqual(whole);
      expect(seen).toHaveLength(9);
    }
  });
});

describe('complaints: filter', () => {
  const cases: [string, () => Json, string[]][] = [
    ['statuses', () => ({ statuses: ['RESOLVED', 'CLOSED'] }), ['resolved', 'closed']],
    ['open: false', () => ({ open: false }), ['resolved', 'closed']],
    ['severities', () => ({ severities: ['CRITICAL', 'LOW'] }), ['critical', 'percent']],
    ['categories', () => ({ categories: ['BILLING'] }), ['critical']],
    ['complainantTypes', () => ({ complainantTypes: ['ACTIVIST'] }), ['critical']],
    ['assigneeId', () => ({ assigneeId: lin.id }), ['resolved', 'critical']],
    ['assigneeId and open', () => ({ assigneeId: lin.id, open: true }), ['critical']],
    ['unassigned', () => ({ unassigned: false }), ['dueLate', 'resolved', 'critical']],
    ['teamId', () => ({ teamId: billing.id }), ['dueLate']],
    ['siteId', () => ({ siteId: otherSiteId }), ['otherSite']],
    ['escalated', () => ({ escalated: true }), ['critical']],
    ['breached', () => ({ breached: true }), ['critical']],
    ['dueBefore', () => ({ dueBefore: at(121) }), ['dueSoon', 'critical', 'percent']],
    ['createdFrom and createdTo', () => ({ createdFrom: at(1), createdTo: at(3) }), ['dueSoon', 'noClock']],
    ['search: a reference as a customer reads it', () => ({ search: c.noClock!.reference.toLowerCase().replaceAll('-', ' ') }), ['noClock']],
    ['search: the reference without the C', () => ({ search: c.noClock!.reference.slice(2) }), ['noClock']],
    ['search: description words, any case', () => ({ search: 'PARCEL ARRIVED', severities: ['CRITICAL'] }), ['critical']],
    ['search: % and _ are literal', () => ({ search: '100% extra_fee' }), ['percent']],
    ['search: a lone % matches only a %', () => ({ search: '%' }), ['percent']],
    ['search: _ is not any character', () => ({ search: 'my_card' }), ['percent']],
  ];
  for (const [name, filter, expected] of cases) {
    it(name, async ({ api }) => {
      const page = await inbox(api.asA, { filter: filter(), orderBy: { field: 'CREATED_AT', direction: 'ASC' } });
      expect(refs(page)).toEqual(expected.map((n) => c[n]!.reference));
      expect(page.totalCount).toBe(expected.length);
    });
  }

  it('breached: false leaves out complaints with a breached clock', async ({ api }) => {
    const page = await inbox(api.asA, { filter: { breached: false } });
    expect(refs(page)).not.toContain(c.critical!.reference);
    expect(page.totalCount).toBe(8);
  });

  it('customerId: a linked customer', async ({ api }) => {
    const person = ok(await customersOf(api.asA).create({ name: 'Filter Person' }));
    const one = await filedAndLinked(api, person.id);
    const page = await inbox(api.asA, { filter: { customerId: person.id } });
    expect(refs(page)).toEqual([one]);
  });

  it('refuses a malformed instant and an overlong search, naming the field', async ({ api }) => {
    const bad = await api.asA.gql(`{ complaints(first: 5, filter: { dueBefore: "tomorrow" }) { totalCount } }`);
    expect(JSON.stringify(bad.errors)).toContain('dueBefore');
    const long = await api.asA.gql(`query($s: String) { complaints(first: 5, filter: { search: $s }) { totalCount } }`, { s: 'x'.repeat(201) });
    expect(JSON.stringify(long.errors)).toContain('search');
    const big = await api.asA.gql(`{ complaints(first: 101) { edges { node { id } } } }`);
    expect(big.errors?.length).toBeGreaterThan(0);
  });

  it("another organization's ids match nothing, and its key sees none of these", async ({ api }) => {
    const bTeam = ok(await careTeamOf(api.asB).createTeam({ name: 'B' }));
    expect((await inbox(api.asA, { filter: { teamId: bTeam.id } })).totalCount).toBe(0);
    expect((await inbox(api.asB)).totalCount).toBe(0);
  });
});

/** Files a complaint and links it to the customer straight in the table; returns its reference. */
async function filedAndLinked(api: TestApi, customerId: string): Promise<string> {
  const site = await api.createSite({ allowedOrigins: [`https://linked-${Math.random().toString(36).slice(2)}.example`] });
  const receipt = await filed(api.withSite(site.publishableKey, site.origin));
  await setRow(api, receipt.reference, { customerId: rowId(customerId) });
  return receipt.reference;
}

describe('complaintByReference', () => {
  const query = `query($r: String!) { complaintByReference(reference: $r) { id reference status } }`;
  it('finds what a customer quotes, forgiving case, spaces, dashes and the leading C', async ({ api }) => {
    const reference = c.dueSoon!.reference as string;
    for (const typed of [reference, reference.toLowerCase(), reference.replaceAll('-', ' '), reference.slice(2).replace('-', ''), ` ${reference} `]) {
      expect(dataOf(await api.asA.gql(query, { r: typed })).complaintByReference, typed).toMatchObject({ reference, status: 'ACKNOWLEDGED' });
    }
  });

  it('null for an unknown reference, garbage, or another organization', async ({ api }) => {
    for (const typed of ['C-2222-2222', 'nonsense', 'x'.repeat(500)]) {
      expect(dataOf(await api.asA.gql(query, { r: typed })).complaintByReference).toBeNull();
    }
    expect(dataOf(await api.asB.gql(query, { r: c.dueSoon!.reference })).complaintByReference).toBeNull();
  });

  it('needs an API key: a site key may not look complaints up', async ({ api, widget }) => {
    const result = await widget.gql(query, { r: c.dueSoon!.reference });
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(result)).not.toContain('ACKNOWLEDGED');
  });
});

const LINK = `mutation($input: LinkComplaintCustomerInput!) { linkComplaintCustomer(input: $input) { __typename
  ... on MutationLinkComplaintCustomerSuccess { data { id customer { id name } suggestedCustomer { id } } }
  ... on NotFoundError { entity } ... on ConflictError { field } ... on ValidationError { issues { path } } } }`;

describe('suggestedCustomer and linkComplaintCustomer', () => {
  it('suggests the customer whose email or phone identity is the contact typed, and links nothing by itself', async ({ api }) => {
    const page = await inbox(api.asA, { orderBy: { field: 'CREATED_AT', direction: 'ASC' } });
    const byRef = new Map(page.edges.map((e) => [e.node.reference, e.node]));
    expect(byRef.get(c.noClock!.reference)).toMatchObject({ customer: null, suggestedCustomer: { name: 'Known Person' } });
    expect(byRef.get(c.dueSoon!.reference)).toMatchObject({ customer: null, suggestedCustomer: { name: 'Known Person' } });
    expect(byRef.get(c.dueLate!.reference)!.suggestedCustomer).toBeNull();
    expect((await complaintRow(api, c.noClock!.reference)).customerId).toBeNull();
  });

  it('links it with the acting agent on the event; after that there is nothing to suggest; again is a no-op', async ({ api }) => {
    const row = await complaintRow(api, c.dueSoon!.reference);
    const complaintId = encodeGlobalID('Complaint', row.id);
    const known = (await inbox(api.asA, { filter: { search: c.dueSoon!.reference } })).edges[0]!.node.suggestedCustomer;
    const linked = dataOf(await api.asA.gql(LINK, { input: { complaintId, customerId: known.id, actorAgentId: mei.id } })).linkComplaintCustomer;
    expect(linked).toMatchObject({ __typename: 'MutationLinkComplaintCustomerSuccess', data: { customer: { id: known.id, name: 'Known Person' }, suggestedCustomer: null } });
    const evts = await api.db.db
      .select()
      .from(events)
      .where(and(eq(events.aggregateId, row.id), eq(events.type, 'complaint.customer_linked')));
    expect(evts).toHaveLength(1);
    expect(evts[0]).toMatchObject({ visibility: 'internal', actorType: 'api_key', actingAgentId: rowId(mei.id), payload: { customerId: rowId(known.id) } });
    const again = dataOf(await api.asA.gql(LINK, { input: { complaintId, customerId: known.id } })).linkComplaintCustomer;
    expect(again.__typename).toBe('MutationLinkComplaintCustomerSuccess');
    const linkedEvents = () => api.db.db.$count(events, and(eq(events.aggregateId, row.id), eq(events.type, 'complaint.customer_linked')));
    expect(await linkedEvents()).toBe(1);
    const other = ok(await customersOf(api.asA).create({ name: 'Someone Else' }));
    const conflict = dataOf(await api.asA.gql(LINK, { input: { complaintId, customerId: other.id } })).linkComplaintCustomer;
    expect(conflict).toEqual({ __typename: 'ConflictError', field: 'customerId' });
  });

  it("refuses another organization's customer, complaint or agent as NotFoundError, changing nothing", async ({ api }) => {
    const row = await complaintRow(api, c.noClock!.reference);
    const complaintId = encodeGlobalID('Complaint', row.id);
    const bCustomer = ok(await customersOf(api.asB).create({ name: 'B person' }));
    const aCustomer = ok(await customersOf(api.asA).create({ name: 'A person' }));
    const bAgent = ok(await careTeamOf(api.asB).createAgent({ name: 'B agent', email: 'agent@b.example' }));
    const link = async (caller: Caller, input: Json) => dataOf(await caller.gql(LINK, { input })).linkComplaintCustomer;
    expect(await link(api.asA, { complaintId, customerId: bCustomer.id })).toEqual({ __typename: 'NotFoundError', entity: 'Customer' });
    expect(await link(api.asB, { complaintId, customerId: bCustomer.id })).toEqual({ __typename: 'NotFoundError', entity: 'Complaint' });
    expect(await link(api.asA, { complaintId, customerId: aCustomer.id, actorAgentId: bAgent.id })).toEqual({ __typename: 'NotFoundError', entity: 'Agent' });
    expect((await complaintRow(api, c.noClock!.reference)).customerId).toBeNull();
  });

  it('needs the write scope', async ({ api }) => {
    const { createApiKey } = await import('../../server/organizations/organizations.service.ts');
    const { key } = await createApiKey(api.tenant(api.orgA.id), { name: 'reader', scopes: ['read'] });
    const row = await complaintRow(api, c.noClock!.reference);
    const customer = ok(await customersOf(api.asA).create({ name: 'Scope Person' }));
    const result = await api.withKey(key).gql(LINK, { input: { complaintId: encodeGlobalID('Complaint', row.id), customerId: customer.id } });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await inbox(api.withKey(key), { first: 1 })).totalCount).toBeGreaterThan(0);
  });
});
