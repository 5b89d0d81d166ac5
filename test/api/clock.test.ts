import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import { complaints, customers, events, feedback, purchases } from '../../server/db/tables/index.ts';
import { dataOf, type TestSite } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { filed } from './complaints-fixtures.ts';
import { customersOf, ok } from './customers-fixtures.ts';
import { check, submit, ok as received } from './feedback-fixtures.ts';
import { createdSurvey, question, surveyInput, widgetOf } from './surveys-fixtures.ts';

/**
 * Business time comes from the request's clock, never from the database or the process: with
 * the clock set to one instant, every row a request writes carries exactly that instant.
 */
const AT = '2031-02-28T23:59:00.000Z';
// The file's API and site (test/helpers/fixtures.ts), made before the first test as before.
it.beforeAll(({ api, site: _ }) => {
  api.clock.set(AT);
});

const same = (stored: string | null | undefined) => expect(new Date(stored!).toISOString()).toBe(AT);

/** A customer token valid at the clock's time (the test clock is years ahead of the real one). */
const tokenAt = (site: TestSite, sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt(Date.parse(AT) / 1000)
    .setExpirationTime(Date.parse(AT) / 1000 + 3600)
    .sign(new TextEncoder().encode(site.identitySecret));

it('a customer, its purchase and its update carry the clock time', async ({ api }) => {
  const a = customersOf(api.asA);
  const customer = ok(await a.create({ name: 'Clocked', email: 'clocked@example.com' }));
  same(customer.createdAt);
  same(customer.updatedAt);
  const purchase = ok(await a.recordPurchase(customer.id, { product: 'Kettle', purchasedAt: '2031-02-01T10:00:00Z', value: 30 }));
  const [row] = await api.db.db.select().from(purchases).where(eq(purchases.id, purchase.id));
  same(row!.createdAt);
  api.clock.advance({ minutes: 5 });
  const updated = ok(await a.update(customer.id, { name: 'Clocked later' }));
  expect(updated.updatedAt).toBe('2031-03-01T00:04:00.000Z');
  same(updated.createdAt);
  api.clock.set(AT);
});

it('a survey response and a resolution check carry the clock time, and a token is judged by it', async ({ api, site }) => {
  const survey = await createdSurvey(api.asA, surveyInput('clocked', { questions: [question('RATING', 'How was it?', { key: 'q' })] }));
  const widget = widgetOf(api.withSite(site.publishableKey, site.origin));
  const response = await widget.submit(survey.key, [{ questionKey: 'q', value: 4 }], { customerToken: await tokenAt(site, 'clock-1') });
  expect(response.__typename, JSON.stringify(response)).toBe('MutationSubmitSurveyResponseSuccess');
  same(response.data.receivedAt);
  const checkReceipt = received(await submit(api.withSite(site.publishableKey, site.origin), check({ customerToken: await tokenAt(site, 'clock-2') })));
  same(checkReceipt.receivedAt);
  const rows = await api.db.db.select({ createdAt: feedback.createdAt }).from(feedback).where(eq(feedback.orgId, api.orgA.id));
  expect(rows).toHaveLength(2);
  for (const row of rows) same(row.createdAt);
  const feedbackEvents = await api.db.db.select().from(events).where(eq(events.aggregateType, 'feedback'));
  expect(feedbackEvents).toHaveLength(2);
  for (const event of feedbackEvents) same(event.occurredAt);
  // The stubs made for the tokens' customers too.
  const stubs = await api.db.db.select().from(customers).where(eq(customers.orgId, api.orgA.id));
  for (const stub of stubs.filter((c) => c.externalId?.startsWith('clock-'))) same(stub.createdAt);
});

it('a complaint and its first event carry the clock time', async ({ api, site }) => {
  const receipt = await filed(api.withSite(site.publishableKey, site.origin));
  same(receipt.createdAt);
  const [row] = await api.db.db.select().from(complaints).where(eq(complaints.reference, receipt.reference));
  same(row!.createdAt);
  same(row!.updatedAt);
  const history = await api.db.db.select().from(events).where(eq(events.aggregateId, row!.id));
  expect(history.map((e) => e.type)).toEqual(['complaint.filed']);
  same(history[0]!.occurredAt);
});

it('an API key created and revoked carries the clock time', async ({ api }) => {
  const created = dataOf(
    await api.asA.gql(`mutation { createApiKey(input: { name: "clocked", scopes: [READ] }) { ... on MutationCreateApiKeySuccess { data { apiKey { id createdAt } } } } }`),
  ).createApiKey.data.apiKey;
  same(created.createdAt);
  const revoked = dataOf(
    await api.asA.gql(`mutation($id: ID!) { revokeApiKey(input: { id: $id }) { ... on MutationRevokeApiKeySuccess { data { revokedAt } } } }`, { id: created.id }),
  ).revokeApiKey.data;
  same(revoked.revokedAt);
});
