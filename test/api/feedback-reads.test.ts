import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { feedback, surveys } from '../../server/db/tables/index.ts';
import { dataOf, type Caller, type TestApi, type TestSite } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { check, customerToken, feedbackItem, listFeedback, ok, submit, type Json } from './feedback-fixtures.ts';

let shop: TestSite;
let help: TestSite;
/** Org A's feedback by name, oldest first: f1 (Jan) … f4 (Apr). */
const ids: Record<string, string> = {};
let surveyId: string;
let mei: string;
let ken: string;

async function customerOf(api: TestApi, feedbackId: string): Promise<string> {
  return (await feedbackItem(api.asA, feedbackId))!.customer.id;
}

// On the file's API (test/helpers/fixtures.ts).
it.beforeAll(async ({ api }) => {
  shop = await api.createSite({ allowedOrigins: ['https://shop.example.com'] });
  help = await api.createSite({ allowedOrigins: ['https://help.example.com'] });
  const shopWidget = api.withSite(shop.publishableKey, shop.origin);
  const helpWidget = api.withSite(help.publishableKey, help.origin);
  ids.f1 = ok(await submit(shopWidget, check({ subject: 'article:1', solved: true }))).feedbackId;
  ids.f2 = ok(
    await submit(
      shopWidget,
      check({ subject: 'article:1', solved: false, reason: 'NOT_SOLVED', customerToken: await customerToken(shop, { sub: 'mei' }) }),
    ),
  ).feedbackId;
  ids.f3 = ok(
    await submit(
      helpWidget,
      check({ subject: 'https://help.example.com/returns', solved: false, reason: 'TOO_SLOW', customerToken: await customerToken(help, { sub: 'ken' }) }),
    ),
  ).feedbackId;
  // A survey response, written as the survey service would: this file tests the reads only.
  const db = api.db.db;
  const [survey] = await db
    .insert(surveys)
    .values({
      orgId: api.orgA.id,
      key: 'csat',
      title: { en: 'How did we do?' },
      kind: 'csat',
      status: 'active',
      questions: [],
      createdAt: api.clock.now().toISOString(),
      updatedAt: api.clock.now().toISOString(),
    })
    .returning();
  surveyId = encodeGlobalID('Survey', survey!.id);
  mei = await customerOf(api, ids.f2);
  ken = await customerOf(api, ids.f3);
  const [response] = await db
    .insert(feedback)
    .values({
      orgId: api.orgA.id,
      siteId: shop.rowId,
      kind: 'survey_response',
      surveyId: survey!.id,
      customerId: decodeGlobalID(mei).id,
      answers: [{ questionId: 'q1', value: 5 }, { questionId: 'q2', value: ['fast', 'kind'] }],
      score: 5,
      locale: 'en',
      createdAt: api.clock.now().toISOString(),
    })
    .returning();
  ids.f4 = encodeGlobalID('Feedback', response!.id);
  // Spread the rows over four months so the time filters have something to tell apart.
  for (const [name, at] of [['f1', '2026-01-15T10:00:00Z'], ['f2', '2026-02-15T10:00:00Z'], ['f3', '2026-03-15T10:00:00Z'], ['f4', '2026-04-15T10:00:00Z']]) {
    await db.update(feedback).set({ createdAt: at! }).where(eq(feedback.id, decodeGlobalID(ids[name!]!).id));
  }
  // Org B's feedback must never show up in A's reads.
  const bSite = await api.createSite({ as: api.asB, allowedOrigins: ['https://b.example.com'] });
  ids.b1 = ok(await submit(api.withSite(bSite.publishableKey, bSite.origin), check({ subject: 'article:1', solved: false }))).feedbackId;
});

const names = (edges: { node: Json }[]) =>
  edges.map((edge) => Object.entries(ids).find(([, id]) => id === edge.node.id)?.[0] ?? edge.node.id);

describe('feedback', () => {
  it('lists the org’s feedback newest first with its total', async ({ api }) => {
    const list = await listFeedback(api.asA);
    expect(names(list.edges)).toEqual(['f4', 'f3', 'f2', 'f1']);
    expect(list.totalCount).toBe(4);
  });

  it('shows a survey response with its answers, score and survey link', async ({ api }) => {
    const response = (await listFeedback(api.asA, { filter: { kind: 'SURVEY_RESPONSE' } })).edges[0]!.node;
    expect(response).toMatchObject({
      kind: 'SURVEY_RESPONSE',
      score: 5,
      subject: null,
      solved: null,
      answers: [{ questionKey: 'q1', value: 5 }, { questionKey: 'q2', value: ['fast', 'kind'] }],
      customer: { id: mei, externalId: 'mei' },
      survey: { id: surveyId, key: 'csat' },
    });
  });

  const cases: [string, () => Json, string[]][] = [
    ['kind RESOLUTION_CHECK', () => ({ kind: 'RESOLUTION_CHECK' }), ['f3', 'f2', 'f1']],
    ['kind SURVEY_RESPONSE', () => ({ kind: 'SURVEY_RESPONSE' }), ['f4']],
    ['surveyId', () => ({ surveyId }), ['f4']],
    ['subject (exact)', () => ({ subject: 'article:1' }), ['f2', 'f1']],
    ['subject that is only a prefix', () => ({ subject: 'article:' }), []],
    ['solved true', () => ({ solved: true }), ['f1']],
    ['solved false', () => ({ solved: false }), ['f3', 'f2']],
    ['customerId', () => ({ customerId: mei }), ['f4', 'f2']],
    ['siteId', () => ({ siteId: help.id }), ['f3']],
    ['from (inclusive)', () => ({ from: '2026-03-15T10:00:00Z' }), ['f4', 'f3']],
    ['to (exclusive)', () => ({ to: '2026-02-15T10:00:00Z' }), ['f1']],
    ['from and to in another zone', () => ({ from: '2026-02-01T00:00:00+08:00', to: '2026-04-01T00:00:00+08:00' }), ['f3', 'f2']],
    ['several at once', () => ({ kind: 'RESOLUTION_CHECK', solved: false, siteId: shop.id }), ['f2']],
    ['null fields', () => ({ kind: null, solved: null, subject: null }), ['f4', 'f3', 'f2', 'f1']],
  ];
  for (const [label, filter, expected] of cases) {
    it(`filters by ${label}, and totalCount agrees`, async ({ api }) => {
      const list = await listFeedback(api.asA, { filter: filter() });
      expect(names(list.edges)).toEqual(expected);
      expect(list.totalCount).toBe(expected.length);
    });
  }

  it('pages with cursors without repeating or skipping', async ({ api }) => {
    const first = await listFeedback(api.asA, { first: 3 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await listFeedback(api.asA, { first: 3, after: first.pageInfo.endCursor });
    expect([...names(first.edges), ...names(second.edges)]).toEqual(['f4', 'f3', 'f2', 'f1']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(second.totalCount).toBe(4);
  });

  it('refuses malformed filter values with the field named', async ({ api }) => {
    for (const [filter, field] of [
      [{ surveyId: encodeGlobalID('Customer', '00000000-0000-4000-8000-000000000000') }, 'surveyId'],
      [{ customerId: 'nope' }, 'customerId'],
      [{ siteId: 'nope' }, 'siteId'],
      [{ from: 'yesterday' }, 'from'],
      [{ to: '2026-01-01T00:00:00' }, 'to'],
      [{ subject: 'x'.repeat(501) }, 'subject'],
    ] as const) {
      const result = await api.asA.gql(`query($f: FeedbackFilter) { feedback(first: 5, filter: $f) { totalCount } }`, { f: filter });
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(result)).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(result.errors)).toContain(field);
    }
  });

  it('reads 50 items with their customers in one statement', async ({ api }) => {
    await api.asA.gql('{ __typename }');
    api.statements.reset();
    dataOf(await api.asA.gql(`{ feedback(first: 50) { edges { node { id subject customer { externalId } survey { key } context { agentId } } } } }`));
    const statements = api.statements.statements.filter((s) => !/"api_keys"/.test(s));
    expect(statements).toHaveLength(1);
  });

  it('needs the read scope', async ({ api }) => {
    const created = dataOf(
      await api.asA.gql('mutation { createApiKey(input: { name: "writer", scopes: [WRITE] }) { ... on MutationCreateApiKeySuccess { data { key } } } }'),
    );
    const writer: Caller = api.withKey(created.createApiKey.data.key);
    for (const query of ['{ feedback(first: 1) { totalCount } }', `{ feedbackItem(id: "${ids.f1}") { id } }`]) {
      const result = await writer.gql(query);
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await api.anonymous.gql('{ feedback(first: 1) { totalCount } }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('feedbackItem', () => {
  it('reads one item, and the same through node(id)', async ({ api }) => {
    expect((await feedbackItem(api.asA, ids.f3!))).toMatchObject({ id: ids.f3, subject: 'https://help.example.com/returns', reason: 'TOO_SLOW', siteId: help.id });
    const node = dataOf(await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on Feedback { id solved } } }`, { id: ids.f3 }));
    expect(node.node).toEqual({ id: ids.f3, solved: false });
  });

  it("is null for another org's item, by id and through node(id)", async ({ api }) => {
    expect(await feedbackItem(api.asA, ids.b1!)).toBeNull();
    expect(await feedbackItem(api.asB, ids.f1!)).toBeNull();
    expect(dataOf(await api.asB.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: ids.f1 })).node).toBeNull();
  });

  it('is null for an unknown id and an error for an id of another type', async ({ api }) => {
    expect(await feedbackItem(api.asA, encodeGlobalID('Feedback', '00000000-0000-4000-8000-000000000000'))).toBeNull();
    const result = await api.asA.gql(`query($id: ID!) { feedbackItem(id: $id) { id } }`, { id: mei });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('Customer.feedback', () => {
  const customerFeedback = async (api: TestApi, id: string) =>
    dataOf(
      await api.asA.gql(`query($id: ID!) { customer(id: $id) { feedback(first: 10) { totalCount edges { node { id kind } } } } }`, { id }),
    ).customer.feedback;

  it("lists the customer's feedback, newest first", async ({ api }) => {
    const list = await customerFeedback(api, mei);
    expect(names(list.edges)).toEqual(['f4', 'f2']);
    expect(list.totalCount).toBe(2);
    expect(names((await customerFeedback(api, ken)).edges)).toEqual(['f3']);
  });

  it('includes feedback in the customer export', async ({ api }) => {
    const exported = dataOf(
      await api.asA.gql(`mutation($id: ID!) { exportCustomer(input: { id: $id }) { ... on MutationExportCustomerSuccess { data } } }`, { id: ken }),
    ).exportCustomer.data;
    expect(exported.feedback).toHaveLength(1);
    expect(exported.feedback[0]).toMatchObject({ subject: 'https://help.example.com/returns', reason: 'too_slow' });
    expect(exported.feedback[0].orgId).toBeUndefined();
  });

  it('moves to the target when customers are merged', async ({ api }) => {
    const merged = dataOf(
      await api.asA.gql(`mutation($s: ID!, $t: ID!) { mergeCustomers(input: { sourceId: $s, targetId: $t }) { __typename ... on MutationMergeCustomersSuccess { data { id } } } }`, {
        s: ken,
        t: mei,
      }),
    ).mergeCustomers;
    expect(merged).toEqual({ __typename: 'MutationMergeCustomersSuccess', data: { id: mei } });
    const list = await customerFeedback(api, mei);
    expect(names(list.edges)).toEqual(['f4', 'f3', 'f2']);
    expect(list.totalCount).toBe(3);
    expect((await listFeedback(api.asA, { filter: { customerId: mei } })).totalCount).toBe(3);
    expect((await feedbackItem(api.asA, ids.f3!))!.customer.id).toBe(mei);
  });
});
