import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { dataOf, type Caller, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { filed } from './complaints-fixtures.ts';
import { staffOk } from './complaints-lifecycle-fixtures.ts';
import { ok, unique, type Json } from './customers-fixtures.ts';
import { check, customerToken, ok as received, submit } from './feedback-fixtures.ts';

const TIMELINE = `query($id: ID!, $first: Int, $after: String) { customer(id: $id) { timeline(first: $first, after: $after) {
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { at entry {
    __typename
    ... on Purchase { id product reason purchasedAt }
    ... on Feedback { id comment solved createdAt }
    ... on ComplaintEvent { event { id type sequence visibility occurredAt } complaint { id reference description } }
  } } } } } }`;

type Edge = { cursor: string; node: { at: string; entry: Json } };

async function timeline(caller: Caller, id: string, args: { first?: number; after?: string } = {}) {
  return caller.gql(TIMELINE, { id, ...args });
}

async function page(caller: Caller, id: string, args: { first?: number; after?: string } = {}) {
  return dataOf(await timeline(caller, id, args)).customer.timeline as { pageInfo: Json; edges: Edge[] };
}

/** Every item, by paging `size` at a time: the loop a console runs. */
async function pageThrough(caller: Caller, id: string, size: number) {
  const seen: Edge[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const { pageInfo, edges } = await page(caller, id, { first: size, after });
    seen.push(...edges);
    if (!pageInfo.hasNextPage) return { seen, pages: pages + 1 };
    expect(pageInfo.endCursor).toBe(edges.at(-1)!.cursor);
    after = pageInfo.endCursor;
  }
  throw new Error('the timeline did not end');
}

/** What an entry is, in one word: its type and id. */
const label = (edge: Edge) => {
  const { entry } = edge.node;
  return entry.__typename === 'ComplaintEvent' ? `event:${entry.event.type}#${entry.event.sequence}:${entry.event.id}` : `${entry.__typename}:${entry.id}`;
};

/** A customer of org A with an external id, so a widget's customer token names them. */
async function customerWithToken(api: TestApi) {
  const externalId = unique('tl-');
  const customer = ok(dataOf(await api.asA.gql(
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename ... on MutationCreateCustomerSuccess { data { id } } } }`,
    { input: { externalId, name: 'Timeline person' } },
  )).createCustomer);
  return { id: customer.id as string, rowId: decodeGlobalID(customer.id).id, externalId };
}

async function purchase(api: TestApi, customerId: string, purchasedAt: string, product = 'Kettle') {
  const result = dataOf(await api.asA.gql(
    `mutation($input: RecordPurchaseInput!) { recordPurchase(input: $input) { __typename ... on MutationRecordPurchaseSuccess { data { id } } } }`,
    { input: { customerId, product, purchasedAt, reason: 'A gift for my mother' } },
  )).recordPurchase;
  return ok(result).id as string;
}

it.beforeAll(({ api: _ }) => {});

it('interleaves purchases, feedback and complaint events newest first; one instant keeps a fixed order', async ({ api, site, widget }) => {
  const person = await customerWithToken(api);
  const token = await customerToken(site, { sub: person.externalId });
  const t0 = new Date(Math.floor(Date.now() / 1000) * 1000);
  api.clock.set(t0);
  // At one instant: a purchase, a resolution check and a complaint filed (its filing events).
  const kettle = await purchase(api, person.id, t0.toISOString());
  const feedback = received(await submit(widget, check({ customerToken: token, solved: false, reason: 'INCOMPLETE', comment: 'Still leaks' })));
  const complaint = await filed(widget, { customerToken: token, description: 'The kettle leaks from the base after a week.' });
  api.clock.advance({ minutes: 5 });
  const [{ id: complaintId }] = rows(await api.db.db.execute(sql`select id from complaints where reference = ${complaint.reference}`));
  await staffOk(api.asA, 'addComplaintNote', { complaintId: encodeGlobalID('Complaint', complaintId), body: 'Internal: call the courier', visibility: 'INTERNAL' });
  api.clock.advance({ minutes: 5 });
  const older = await purchase(api, person.id, new Date(t0.getTime() - 86_400_000).toISOString(), 'Toaster');

  const { edges, pageInfo } = await page(api.asA, person.id, { first: 100 });
  expect(pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  const ats = edges.map((e) => Date.parse(e.node.at));
  expect(ats).toEqual([...ats].sort((a, b) => b - a));
  // Newest first: the note (t0 + 5 min), then everything of t0, then yesterday's purchase.
  expect(edges[0]!.node.entry).toMatchObject({ __typename: 'ComplaintEvent', event: { type: 'complaint.internal_note', visibility: 'INTERNAL' } });
  expect(edges[0]!.node.entry.complaint.reference).toBe(complaint.reference);
  expect(edges.at(-1)!.node.entry).toMatchObject({ __typename: 'Purchase', id: older, product: 'Toaster' });
  const atT0 = edges.filter((e) => Date.parse(e.node.at) === t0.getTime());
  // Of one instant: the purchase, then the feedback, then the complaint's events in reverse sequence.
  expect(atT0[0]!.node.entry).toMatchObject({ __typename: 'Purchase', id: kettle });
  expect(atT0[1]!.node.entry).toMatchObject({ __typename: 'Feedback', id: feedback.feedbackId, comment: 'Still leaks' });
  const filingEvents = atT0.slice(2).map((e) => e.node.entry.event);
  expect(filingEvents.length).toBeGreaterThanOrEqual(1);
  expect(filingEvents.map((e: Json) => e.sequence)).toEqual(filingEvents.map((e: Json) => e.sequence).sort((a: number, b: number) => b - a));
  expect(filingEvents.at(-1)).toMatchObject({ type: 'complaint.filed', sequence: 1 });
  // Every event of the complaint is there, internal ones included.
  const [{ n }] = rows(await api.db.db.execute(sql`select count(*)::int as n from events where aggregate_type = 'complaint' and aggregate_id = ${complaintId}`));
  expect(edges.filter((e) => e.node.entry.__typename === 'ComplaintEvent')).toHaveLength(n);
});

function rows(result: unknown): any[] {
  return Array.isArray(result) ? result : (result as { rows: any[] }).rows;
}

it('paging through with the cursor returns every item exactly once, in order, ties across pages included', async ({ api, site, widget }) => {
  const person = await customerWithToken(api);
  const token = await customerToken(site, { sub: person.externalId });
  const t0 = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
  api.clock.set(t0);
  // Many items on few instants, so that page boundaries fall inside groups of equal `at`.
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) await purchase(api, person.id, t0.toISOString(), `Same instant ${i}-${j}`);
    received(await submit(widget, check({ customerToken: token, solved: true })));
    received(await submit(widget, check({ customerToken: token, solved: true })));
    await filed(widget, { customerToken: token });
    api.clock.advance({ seconds: 30 });
  }
  const all = (await page(api.asA, person.id, { first: 100 })).edges.map(label);
  // 9 purchases, 6 checks, and each of the 3 complaints' filing events.
  expect(all.length).toBeGreaterThan(15);
  expect(new Set(all).size).toBe(all.length);
  for (const size of [1, 4, 7]) {
    const { seen, pages } = await pageThrough(api.asA, person.id, size);
    expect(seen.map(label), `pages of ${size}`).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / size));
  }
  // A cursor from the middle: the rest, after that item.
  const half = await page(api.asA, person.id, { first: 10 });
  const rest = await page(api.asA, person.id, { first: 100, after: half.pageInfo.endCursor });
  expect(rest.pageInfo.hasPreviousPage).toBe(true);
  expect([...half.edges, ...rest.edges].map(label)).toEqual(all);
});

it('refuses a bad cursor and a page over 100 as bad input, naming the argument', async ({ api, customers }) => {
  const person = ok(await customers.create({ name: 'Cursor' }));
  const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000000Z', 9, 0, '00000000-0000-0000-0000-000000000000'])).toString('base64url');
  for (const after of ['garbage', forged, Buffer.from('[1,2]').toString('base64url')]) {
    const result = await timeline(api.asA, person.id, { after });
    expect(result.errors?.[0]?.extensions, after).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['after'] }] });
    expect(JSON.stringify(result)).not.toMatch(/select|sql|stack/i);
  }
  for (const first of [101, 0, -1]) {
    const result = await timeline(api.asA, person.id, { first });
    expect(result.errors?.[0]?.extensions, String(first)).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['first'] }] });
  }
  expect((await page(api.asA, person.id, { first: 100 })).edges).toEqual([]);
});

it("another organization's customer id reads as null, timeline and all", async ({ api }) => {
  const person = await customerWithToken(api);
  await purchase(api, person.id, new Date().toISOString());
  const result = dataOf(await timeline(api.asB, person.id));
  expect(result.customer).toBeNull();
});

it("an erased customer's timeline keeps its items without what the person wrote", async ({ api, site, widget }) => {
  const person = await customerWithToken(api);
  const token = await customerToken(site, { sub: person.externalId });
  api.clock.set(Date.now());
  await purchase(api, person.id, new Date().toISOString());
  received(await submit(widget, check({ customerToken: token, solved: false, reason: 'OTHER', comment: 'My neighbour Ann says hi' })));
  await filed(widget, { customerToken: token, description: 'My name is Ann Example and my parcel is lost.' });
  const before = (await page(api.asA, person.id, { first: 100 })).edges;
  ok(dataOf(await api.asA.gql(`mutation($id: ID!) { eraseCustomer(input: { id: $id }) { __typename ... on MutationEraseCustomerSuccess { data { id } } } }`, { id: person.id })).eraseCustomer);
  const after = (await page(api.asA, person.id, { first: 100 })).edges;
  // The same items (erasure writes a customer event, not a complaint event), their text gone.
  expect(after.map(label)).toEqual(before.map(label));
  const text = JSON.stringify(after);
  expect(text).not.toContain('Ann');
  expect(text).not.toContain('A gift for my mother');
  const entries = after.map((e) => e.node.entry);
  expect(entries.find((e) => e.__typename === 'Feedback')).toMatchObject({ comment: null, solved: false });
  expect(entries.find((e) => e.__typename === 'Purchase')).toMatchObject({ reason: null, product: 'Kettle' });
  expect(entries.find((e) => e.__typename === 'ComplaintEvent')!.complaint.description).toBe('(erased)');
});

/** The statements drizzle sends for one operation, minus what every request sends (the API-key lookup). */
async function statementsFor(api: TestApi, query: string, variables: Json): Promise<string[]> {
  await api.asA.gql('{ __typename }');
  api.statements.reset();
  await api.asA.gql('{ __typename }');
  const baseline = api.statements.statements.length;
  api.statements.reset();
  dataOf(await api.asA.gql(query, variables));
  return api.statements.statements.slice(baseline);
}

it('reads a page in one statement for the keys and one per kind on the page', async ({ api, site, widget }) => {
  const person = await customerWithToken(api);
  const token = await customerToken(site, { sub: person.externalId });
  api.clock.set(Date.now());
  for (let i = 0; i < 8; i++) {
    await purchase(api, person.id, new Date(Date.now() - i * 60_000).toISOString());
    received(await submit(widget, check({ customerToken: token })));
  }
  for (let i = 0; i < 3; i++) await filed(widget, { customerToken: token });
  const statements = await statementsFor(api, TIMELINE, { id: person.id, first: 50 });
  // The customer, the page's keys, and the purchases, the feedback and the events with their complaints.
  expect(statements.length, statements.join('\n\n')).toBe(5);
  expect(statements.filter((s) => /union all/i.test(s))).toHaveLength(1);
  // The events come with their complaints, in the same statement.
  expect(statements.filter((s) => /from "events"/.test(s) && /"complaints"/.test(s))).toHaveLength(1);
  // A page of one kind: the keys and that kind.
  const onePage = await page(api.asA, person.id, { first: 1 });
  const single = await statementsFor(api, TIMELINE, { id: person.id, first: 1, after: onePage.pageInfo.endCursor });
  expect(single.length, single.join('\n\n')).toBeLessThanOrEqual(3);
});
