import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { desc, eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { customers, feedback, surveys } from '../../server/db/tables/index.ts';
import { expect } from 'vitest';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { dataOf, type TestSite } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { createdSurvey, surveyInput, widgetOf } from './surveys-fixtures.ts';

/** Erasure reaches the rows other domains link to a customer, and export leaves out bookkeeping. */
// The file's API and site (test/helpers/fixtures.ts), made before the first test as before.
it.beforeAll(({ site: _ }) => {});

const token = (site: TestSite, sub: string) =>
  new SignJWT({ name: 'Erin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(site.identitySecret));

it('erases complaint contact and text and feedback comments, keeping what statistics need', async ({ api, site }) => {
  const widget = api.withSite(site.publishableKey, site.origin);
  const customerToken = await token(site, 'erin-1');
  const filed = dataOf(
    await widget.gql(persistedOperation('FileComplaint').document, {
      input: {
        category: 'DELIVERY',
        description: 'My parcel to 12 Rose Street never came',
        contact: { name: 'Erin Example', email: 'erin@example.com' },
        customerToken,
        idempotencyKey: randomUUID(),
        elapsedMs: 5000,
      },
    }),
  ).fileComplaint;
  expect(filed.__typename).toBe('MutationFileComplaintSuccess');
  const check = dataOf(
    await widget.gql(persistedOperation('SubmitResolutionCheck').document, {
      input: { subject: 'article:1', solved: false, reason: 'NOT_SOLVED', comment: 'Call me on 555-0100', customerToken, idempotencyKey: randomUUID() },
    }),
  ).submitResolutionCheck;
  expect(check.__typename).toBe('MutationSubmitResolutionCheckSuccess');
  await createdSurvey(api.asA, surveyInput('erase-survey', { kind: 'CSAT' }));
  const answers = [
    { questionKey: 'rating', value: 4 },
    { questionKey: 'single', value: 'b' },
    { questionKey: 'multi', value: ['x', 'z'] },
    { questionKey: 'text', value: 'Erin here, flat 3 at 12 Rose Street' },
    { questionKey: 'yesno', value: true },
  ];
  const response = await widgetOf(widget).submit('erase-survey', answers, { customerToken });
  expect(response.__typename).toBe('MutationSubmitSurveyResponseSuccess');

  const customer = dataOf(await api.asA.gql(`{ customers(first: 5, filter: { search: "Erin" }) { edges { node { id } } } }`)).customers
    .edges[0].node;
  const exported = dataOf(
    await api.asA.gql(`mutation($id: ID!) { exportCustomer(input: { id: $id }) { ... on MutationExportCustomerSuccess { data } } }`, { id: customer.id }),
  ).exportCustomer.data;
  expect(exported.complaints).toHaveLength(1);
  expect(exported.complaints[0].description).toContain('Rose Street');
  expect(exported.complaints[0]).not.toHaveProperty('trackingTokenHash');
  expect(exported.complaints[0]).not.toHaveProperty('idempotencyKey');
  expect(exported.feedback[0]).not.toHaveProperty('payloadHash');

  dataOf(await api.asA.gql(`mutation($id: ID!) { eraseCustomer(input: { id: $id }) { __typename } }`, { id: customer.id }));
  const after = dataOf(
    await api.asA.gql(`mutation($id: ID!) { exportCustomer(input: { id: $id }) { ... on MutationExportCustomerSuccess { data } } }`, { id: customer.id }),
  ).exportCustomer.data;
  const text = JSON.stringify(after);
  for (const personal of ['Rose Street', 'Erin', 'erin@example.com', '555-0100']) expect(text).not.toContain(personal);
  expect(after.complaints[0].category).toBe('delivery');
  const erasedCheck = after.feedback.find((f: { kind: string }) => f.kind === 'resolution_check');
  expect(erasedCheck).toMatchObject({ solved: false, reason: 'not_solved', comment: null });
  // The response keeps its score and every answer but the free text, in the order given. The
  // export holds the rows as stored, where an answer names its question by questionId.
  const kept = after.feedback.find((f: { kind: string }) => f.kind === 'survey_response');
  expect(kept.answers).toEqual(answers.filter((a) => a.questionKey !== 'text').map(({ questionKey, value }) => ({ questionId: questionKey, value })));
  expect(kept.score).toBe(4);
});

it('erasure drops every string answer of a response whose survey is gone (it cannot tell choices from text)', async ({ api, site }) => {
  const widget = api.withSite(site.publishableKey, site.origin);
  const customerToken = await token(site, 'erin-2');
  const survey = await createdSurvey(api.asA, surveyInput('erase-deleted-survey'));
  // The newest response below is this test's: the clock stands still until moved.
  api.clock.advance(1000);
  const answers = [
    { questionKey: 'rating', value: 2 },
    { questionKey: 'single', value: 'a' },
    { questionKey: 'text', value: 'Ring 555-0199 after six' },
  ];
  expect((await widgetOf(widget).submit('erase-deleted-survey', answers, { customerToken })).__typename).toBe(
    'MutationSubmitSurveyResponseSuccess',
  );
  await api.db.db.delete(surveys).where(eq(surveys.key, 'erase-deleted-survey'));
  expect(survey.key).toBe('erase-deleted-survey');
  const [customer] = await api.db.db.select({ id: customers.id }).from(customers).where(eq(customers.externalId, 'erin-2'));
  const erased = dataOf(
    await api.asA.gql(`mutation($id: ID!) { eraseCustomer(input: { id: $id }) { __typename } }`, { id: encodeGlobalID('Customer', customer!.id) }),
  );
  expect(erased.eraseCustomer.__typename).toBe('MutationEraseCustomerSuccess');
  const [row] = await api.db.db.select().from(feedback).where(eq(feedback.kind, 'survey_response')).orderBy(desc(feedback.createdAt)).limit(1);
  expect(row!.answers).toEqual([{ questionId: 'rating', value: 2 }]);
  expect(row!.surveyId).toBeNull();
});
