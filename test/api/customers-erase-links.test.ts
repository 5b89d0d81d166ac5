import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { createTestApi, dataOf, type TestApi, type TestSite } from '../helpers/api.ts';

/** Erasure reaches the rows other domains link to a customer, and export leaves out bookkeeping. */
let api: TestApi;
let site: TestSite;
beforeAll(async () => {
  api = await createTestApi();
  site = await api.createSite();
});
afterAll(() => api.close());

const token = (sub: string) =>
  new SignJWT({ name: 'Erin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(site.identitySecret));

it('erases complaint contact and text and feedback comments, keeping what statistics need', async () => {
  const widget = api.withSite(site.publishableKey, site.origin);
  const customerToken = await token('erin-1');
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

  const customer = dataOf(await api.asA.gql(`{ customers(first: 5, filter: { search: "Erin" }) { edges { node { id } } } }`)).customers
    .edges[0].node;
  const exported = dataOf(
    await api.asA.gql(`mutation($id: ID!) { exportCustomer(id: $id) { ... on MutationExportCustomerSuccess { data } } }`, { id: customer.id }),
  ).exportCustomer.data;
  expect(exported.complaints).toHaveLength(1);
  expect(exported.complaints[0].description).toContain('Rose Street');
  expect(exported.complaints[0]).not.toHaveProperty('trackingTokenHash');
  expect(exported.complaints[0]).not.toHaveProperty('idempotencyKey');
  expect(exported.feedback[0]).not.toHaveProperty('payloadHash');

  dataOf(await api.asA.gql(`mutation($id: ID!) { eraseCustomer(id: $id) { __typename } }`, { id: customer.id }));
  const after = dataOf(
    await api.asA.gql(`mutation($id: ID!) { exportCustomer(id: $id) { ... on MutationExportCustomerSuccess { data } } }`, { id: customer.id }),
  ).exportCustomer.data;
  const text = JSON.stringify(after);
  for (const personal of ['Rose Street', 'Erin', 'erin@example.com', '555-0100']) expect(text).not.toContain(personal);
  expect(after.complaints[0].category).toBe('delivery');
  expect(after.feedback[0]).toMatchObject({ solved: false, reason: 'not_solved', comment: null });
});
