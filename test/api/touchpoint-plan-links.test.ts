import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import { dataOf, type Caller, type TestApi } from '../helpers/api.ts';
import { test } from '../helpers/fixtures.ts';
import { schedulerOf, type Scheduler } from './care-scheduler-fixtures.ts';

// Touchpoint.planOccurrence / carePlan and CarePlan.occurrences: what the scheduler recorded,
// read through the API. Plans and customers are written into the tables, runs driven by the clock.
const it = test.extend('care', async ({ api, newOrg }): Promise<Scheduler & { as: Caller }> => {
  api.clock.set('2031-06-10T08:00:00Z');
  return { ...schedulerOf(api.db.db, api.clock, newOrg.id), as: newOrg.as };
});

const BIRTHDAY = { type: 'birthday' } as const;
const GREETING = { kind: 'greeting_birthday', channel: 'sms', stage: null, automated: true, templates: { en: 'Happy birthday, {name}!' } } as const;

const TOUCHPOINTS = `query { touchpoints(first: 10) { edges { node { id summary
  planOccurrence { key dueAt status reason late createdAt plan { id name } customer { id name } touchpoint { id } }
  carePlan { id name trigger { type } } } } } }`;

/** The statements drizzle sends for one operation, minus what every request sends (the API-key lookup). */
async function statementsFor(api: TestApi, as: Caller, query: string): Promise<string[]> {
  await as.gql('{ __typename }');
  api.statements.reset();
  await as.gql('{ __typename }');
  const baseline = api.statements.statements.length;
  api.statements.reset();
  dataOf(await as.gql(query));
  return api.statements.statements.slice(baseline);
}

it('a plan touchpoint names its occurrence and plan, read in the touchpoints statement; a hand-made one has null', async ({ api, care }) => {
  const planId = await care.plan({ name: 'Birthdays', trigger: BIRTHDAY, action: GREETING });
  const customerId = await care.customer({ name: 'Ada', birthday: '1990-06-11' });
  expect(await care.run()).toMatchObject({ scheduled: 1 });
  await care.contact(customerId, '2031-06-09T10:00:00Z', { summary: 'by hand' });

  const statements = await statementsFor(api, care.as, TOUCHPOINTS);
  expect(statements).toHaveLength(1); // touchpoints, occurrence, plan, customer in one statement
  const nodes = dataOf(await care.as.gql<{ touchpoints: { edges: { node: Record<string, unknown> }[] } }>(TOUCHPOINTS)).touchpoints.edges.map((e) => e.node);
  const planned = nodes.find((n) => n.planOccurrence)!;
  const byHand = nodes.find((n) => n.summary === 'by hand')!;
  const planGid = encodeGlobalID('CarePlan', planId);
  expect(planned).toMatchObject({
    planOccurrence: {
      key: expect.stringContaining('2031-06-11'),
      dueAt: '2031-06-11T09:00:00.000Z',
      status: 'SCHEDULED',
      reason: null,
      late: false,
      createdAt: '2031-06-10T08:00:00.000Z',
      plan: { id: planGid, name: 'Birthdays' },
      customer: { id: encodeGlobalID('Customer', customerId), name: 'Ada' },
      touchpoint: { id: planned.id },
    },
    carePlan: { id: planGid, name: 'Birthdays', trigger: { type: 'BIRTHDAY' } },
  });
  expect(byHand).toMatchObject({ planOccurrence: null, carePlan: null });
});

const OCCURRENCES = `query($id: ID!, $status: CareOccurrenceStatus, $after: String) { node(id: $id) { ... on CarePlan {
  occurrences(first: 1, after: $after, filter: { status: $status }) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { key status reason customer { name } touchpoint { id status } } } } } } }`;

type OccurrencePage = {
  node: { occurrences: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: Record<string, unknown> }[] } };
};

it('CarePlan.occurrences lists what the plan did, paged and filtered by status', async ({ care }) => {
  const planId = await care.plan({ trigger: BIRTHDAY, action: GREETING });
  await care.customer({ name: 'Greeted', birthday: '1990-06-11' });
  await care.customer({ name: 'Opted out', birthday: '1990-06-11', careOptedOutAt: '2031-01-01T00:00:00Z' });
  expect(await care.run()).toMatchObject({ scheduled: 1, skipped: { opted_out: 1 } });
  const id = encodeGlobalID('CarePlan', planId);

  const first = dataOf(await care.as.gql<OccurrencePage>(OCCURRENCES, { id })).node.occurrences;
  expect(first).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
  const second = dataOf(await care.as.gql<OccurrencePage>(OCCURRENCES, { id, after: first.pageInfo.endCursor })).node.occurrences;
  expect(second).toMatchObject({ pageInfo: { hasNextPage: false } });
  // Both fall on 11 June (same dueAt): the id breaks the tie, so either may come first.
  const nodes = [...first.edges, ...second.edges].map((e) => e.node);
  expect(nodes).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ status: 'SKIPPED', reason: 'opted_out', customer: { name: 'Opted out' }, touchpoint: null }),
      expect.objectContaining({ status: 'SCHEDULED', reason: null, customer: { name: 'Greeted' }, touchpoint: expect.objectContaining({ status: 'SCHEDULED' }) }),
    ]),
  );

  const skipped = dataOf(await care.as.gql<OccurrencePage>(OCCURRENCES, { id, status: 'SKIPPED' })).node.occurrences;
  expect(skipped).toMatchObject({ totalCount: 1, edges: [{ node: { reason: 'opted_out' } }] });
});
