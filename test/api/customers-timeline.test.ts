import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { dataOf, type Caller, type TestApi } from '../helpers/api.ts';
import { testEngine } from '../helpers/database.ts';
import { test as it } from '../helpers/fixtures.ts';
import { filed } from './complaints-fixtures.ts';
import { staffOk } from './complaints-lifecycle-fixtures.ts';
import { ok, unique, type Json } from './customers-fixtures.ts';
import { check, customerToken, ok as received, submit } from './feedback-fixtures.ts';
import { touchpointsOf } from './touchpoints-fixtures.ts';

const TIMELINE = `query($id: ID!, $first: Int, $after: String) { customer(id: $id) { timeline(first: $first, after: $after) {
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { at entry {
    __typename
    ... on Touchpoint { id status kind summary scheduledFor occurredAt recordedAt }
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

it('interleaves touchpoints, purchases, feedback and complaint events newest first; one instant keeps a fixed order', async ({ api, site, widget }) => {
  const person = await customerWithToken(api);
  const token = await customerToken(site, { sub: person.externalId });
  const t0 = new Date(Math.floor(Date.now() / 1000) * 1000);
  api.clock.set(t0);
  // At one instant: a purchase, a resolution check and a complaint filed (its filing events).
  const kettle = await purchase(api, person.id, t0.toISOString());
  const feedback = received(await submit(widget, check({ customerToken: token, solved: false, reason: 'INCOMPLETE', comment: 'Still leaks' })));
  const complaint = await filed(widget, { customerToken: token, description: 'The kettle leaks from the base after a week.' });
  const tp = touchpointsOf(api.asA);
  const call = ok(await tp.log({ customerId: person.id, channel: 'PHONE', direction: 'INBOUND', kind: 'CONSULTATION', occurredAt: t0.toISOString(), summary: 'Asked about the leak' }));
  // A scheduled one sits at its due time: on top while it is ahead.
  const callBack = ok(await tp.schedule({ customerId: person.id, channel: 'PHONE', kind: 'FOLLOW_UP', scheduledFor: new Date(t0.getTime() + 86_400_000).toISOString() }));
  api.clock.advance({ minutes: 5 });
  const [{ id: complaintId }] = rows(await api.db.db.execute(sql`select id from complaints where reference = ${complaint.reference}`));
  await staffOk(api.asA, 'addComplaintNote', { complaintId: encodeGlobalID('Complaint', complaintId), body: 'Internal: call the courier', visibility: 'INTERNAL' });
  api.clock.advance({ minutes: 5 });
  const older = await purchase(api, person.id, new Date(t0.getTime() - 86_400_000).toISOString(), 'Toaster');

  const { edges, pageInfo } = await page(api.asA, person.id, { first: 100 });
  expect(pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  const ats = edges.map((e) => Date.parse(e.node.at));
  expect(ats).toEqual([...ats].sort((a, b) => b - a));
  // Newest first: tomorrow's call back, the note (t0 + 5 min), then everything of t0, then yesterday's purchase.
  expect(edges[0]!.node.entry).toMatchObject({ __typename: 'Touchpoint', id: callBack.id, status: 'SCHEDULED' });
  expect(edges[0]!.node.at).toBe(callBack.scheduledFor);
  expect(edges[1]!.node.entry).toMatchObject({ __typename: 'ComplaintEvent', event: { type: 'complaint.internal_note', visibility: 'INTERNAL' } });
  expect(edges[1]!.node.entry.complaint.reference).toBe(complaint.reference);
  expect(edges.at(-1)!.node.entry).toMatchObject({ __typename: 'Purchase', id: older, product: 'Toaster' });
  const atT0 = edges.filter((e) => Date.parse(e.node.at) === t0.getTime());
  // Of one instant: the touchpoint, the purchase, the feedback, then the complaint's events in reverse sequence.
  expect(atT0[0]!.node.entry).toMatchObject({ __typename: 'Touchpoint', id: call.id, status: 'DONE', summary: 'Asked about the leak' });
  expect(atT0[1]!.node.entry).toMatchObject({ __typename: 'Purchase', id: kettle });
  expect(atT0[2]!.node.entry).toMatchObject({ __typename: 'Feedback', id: feedback.feedbackId, comment: 'Still leaks' });
  const filingEvents = atT0.slice(3).map((e) => e.node.entry.event);
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
    for (let j = 0; j < 2; j++) {
      ok(await touchpointsOf(api.asA).log({ customerId: person.id, channel: 'SMS', direction: 'OUTBOUND', kind: 'FOLLOW_UP', occurredAt: api.clock.now().toISOString() }));
    }
    received(await submit(widget, check({ customerToken: token, solved: true })));
    received(await submit(widget, check({ customerToken: token, solved: true })));
    await filed(widget, { customerToken: token });
    api.clock.advance({ seconds: 30 });
  }
  const all = (await page(api.asA, person.id, { first: 100 })).edges.map(label);
  // 6 touchpoints, 9 purchases, 6 checks, and each of the 3 complaints' filing events.
  expect(all.length).toBeGreaterThan(21);
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

it('keeps instants that differ below the millisecond apart: the cursor carries microseconds', async ({ api }) => {
  const person = await customerWithToken(api);
  // Written straight to the table: the API takes times to the millisecond, the column keeps microseconds.
  await api.db.db.execute(sql`insert into purchases (org_id, customer_id, product, purchased_at, created_at)
    select ${api.orgA.id}::uuid, ${person.rowId}::uuid, 'Micro ' || g, timestamptz '2026-11-01T10:00:00Z' + g * interval '1 microsecond', now()
    from generate_series(1, 5) g`);
  const { seen } = await pageThrough(api.asA, person.id, 1);
  expect(seen.map((e) => e.node.entry.product)).toEqual(['Micro 5', 'Micro 4', 'Micro 3', 'Micro 2', 'Micro 1']);
});

it("a merge brings the source's items into the target's timeline", async ({ api }) => {
  const [source, target] = [await customerWithToken(api), await customerWithToken(api)];
  const now = api.clock.now().toISOString();
  const bought = await purchase(api, source.id, now, 'Moved kettle');
  ok(await touchpointsOf(api.asA).log({ customerId: source.id, channel: 'PHONE', direction: 'INBOUND', kind: 'CONSULTATION', occurredAt: now }));
  ok(dataOf(await api.asA.gql(
    `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { __typename ... on MutationMergeCustomersSuccess { data { id } } } }`,
    { input: { sourceId: source.id, targetId: target.id } },
  )).mergeCustomers);
  const kinds = (await page(api.asA, target.id)).edges.map((e) => e.node.entry);
  expect(kinds.map((e) => e.__typename).sort()).toEqual(['Purchase', 'Touchpoint']);
  expect(kinds.find((e) => e.__typename === 'Purchase')!.id).toBe(bought);
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
  // A literal first: 100 (which the cost estimate multiplies by) with every kind's fields fits the query limits.
  const literal = TIMELINE.replace('$first: Int, ', '').replace('first: $first', 'first: 100');
  expect(dataOf(await api.asA.gql(literal, { id: person.id })).customer.timeline.edges).toEqual([]);
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
  ok(await touchpointsOf(api.asA).log({ customerId: person.id, channel: 'PHONE', direction: 'INBOUND', kind: 'CONSULTATION', occurredAt: new Date().toISOString(), summary: 'Ann called about her knee', outcome: 'Ann will call back' }));
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
  expect(entries.find((e) => e.__typename === 'Touchpoint')).toMatchObject({ summary: null, status: 'DONE', kind: 'CONSULTATION' });
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

it('reads a page in one statement for the keys and one per kind on the page (6 with the customer and all four kinds)', async ({ api, site, widget }) => {
  const person = await customerWithToken(api);
  const token = await customerToken(site, { sub: person.externalId });
  api.clock.set(Date.now());
  for (let i = 0; i < 8; i++) {
    await purchase(api, person.id, new Date(Date.now() - i * 60_000).toISOString());
    received(await submit(widget, check({ customerToken: token })));
  }
  for (let i = 0; i < 3; i++) await filed(widget, { customerToken: token });
  for (let i = 0; i < 3; i++) {
    ok(await touchpointsOf(api.asA).log({ customerId: person.id, channel: 'EMAIL', direction: 'OUTBOUND', kind: 'OFFER', occurredAt: new Date(Date.now() - i * 90_000).toISOString() }));
  }
  const statements = await statementsFor(api, TIMELINE, { id: person.id, first: 50 });
  // The customer, the page's keys, and the touchpoints, the purchases, the feedback and the events with their complaints.
  expect(statements.length, statements.join('\n\n')).toBe(6);
  expect(statements.filter((s) => /union all/i.test(s))).toHaveLength(1);
  // The events come with their complaints, in the same statement.
  expect(statements.filter((s) => /from "events"/.test(s) && /"complaints"/.test(s))).toHaveLength(1);
  // A page of one kind: the keys and that kind.
  const onePage = await page(api.asA, person.id, { first: 1 });
  const single = await statementsFor(api, TIMELINE, { id: person.id, first: 1, after: onePage.pageInfo.endCursor });
  expect(single.length, single.join('\n\n')).toBeLessThanOrEqual(3);
});

/** A plan node of EXPLAIN (FORMAT JSON), with its children. */
interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
const walk = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(walk)];

describe.skipIf(testEngine === 'pglite')('at 20,000 rows per source (PostgreSQL)', () => {
  it('every source of a page reads from its customer index: no sequential scan', { timeout: 120_000 }, async ({ newOrg, api }) => {
    const org = newOrg.id;
    const person = await customerWithToken({ ...api, asA: newOrg.as } as TestApi);
    const db = api.db.db;
    // 500 customers with 40 rows of each source (5 complaints of 10 events), the timeline's customer among them.
    await db.execute(sql`insert into customers (org_id, created_at, updated_at) select ${org}::uuid, now(), now() from generate_series(1, 499)`);
    const everyone = sql`(select id, row_number() over () as n from customers where org_id = ${org})`;
    await db.execute(sql`insert into touchpoints (org_id, customer_id, channel, direction, kind, status, occurred_at, recorded_at, created_at, updated_at)
      select ${org}::uuid, c.id, 'phone', 'inbound', 'consultation', 'done', now() - g * interval '1 hour', now(), now(), now()
      from ${everyone} c, generate_series(1, 40) g`);
    await db.execute(sql`insert into purchases (org_id, customer_id, product, purchased_at, created_at)
      select ${org}::uuid, c.id, 'Kettle', now() - g * interval '1 hour', now() from ${everyone} c, generate_series(1, 40) g`);
    await db.execute(sql`insert into feedback (org_id, customer_id, kind, solved, created_at)
      select ${org}::uuid, c.id, 'resolution_check', true, now() - g * interval '1 hour' from ${everyone} c, generate_series(1, 40) g`);
    await db.execute(sql`insert into complaints (org_id, reference, tracking_token_hash, status, category, description, customer_id, created_at, updated_at)
      select ${org}::uuid, 'C-' || lpad(c.n::text, 4, '0') || '-' || lpad(g::text, 4, '0'), md5(c.n || '-' || g), 'new', 'delivery', 'Generated', c.id, now(), now()
      from ${everyone} c, generate_series(1, 5) g`);
    await db.execute(sql`insert into events (org_id, type, aggregate_type, aggregate_id, sequence, occurred_at, actor_type, actor_id, payload, visibility)
      select ${org}::uuid, 'complaint.filed', 'complaint', c.id, g, now() - g * interval '1 minute', 'system', 'test', '{}'::jsonb, 'internal'
      from complaints c, generate_series(1, 10) g where c.org_id = ${org}`);
    for (const table of ['customers', 'touchpoints', 'purchases', 'feedback', 'complaints', 'events']) await db.execute(sql.raw(`analyze ${table}`));

    const seen: { sql: string; params: unknown[] }[] = [];
    const counter = api.statements as unknown as { logQuery(query: string, params: unknown[]): void };
    const original = counter.logQuery;
    counter.logQuery = (statement, params) => {
      seen.push({ sql: statement, params });
      original.call(api.statements, statement, params);
    };
    try {
      const first = await page(newOrg.as, person.id, { first: 20 });
      expect(first.edges).toHaveLength(20);
      await page(newOrg.as, person.id, { first: 20, after: first.pageInfo.endCursor });
    } finally {
      counter.logQuery = original;
    }
    const pages = seen.filter((s) => /union all/i.test(s.sql));
    expect(pages).toHaveLength(2);
    for (const statement of pages) {
      const inlined = statement.sql.replace(/\$(\d+)/g, (_m, n: string) => `'${String(statement.params[Number(n) - 1]).replaceAll("'", "''")}'`);
      const result = (await db.execute(sql.raw(`explain (format json) ${inlined}`))) as unknown as { 'QUERY PLAN': [{ Plan: PlanNode }] }[];
      const nodes = walk(result[0]!['QUERY PLAN'][0].Plan);
      const summary = nodes.map((n) => `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}`);
      const indexes = nodes.map((n) => n['Index Name']).filter(Boolean);
      for (const index of ['touchpoints_org_customer_timeline_idx', 'purchases_org_customer_idx', 'feedback_org_customer_idx', 'complaints_org_customer_idx', 'events_org_aggregate_sequence_key']) {
        expect(indexes, summary.join('\n')).toContain(index);
      }
      expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan'), summary.join('\n')).toEqual([]);
    }
  });
});
