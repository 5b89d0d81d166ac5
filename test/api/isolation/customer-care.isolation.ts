import { expect } from 'vitest';
import { dataOf } from '../../helpers/api.ts';
import type { IsolationDomain } from '../../helpers/isolation.ts';

/** Customer.timeline and contactPreferences are reached through customer(), which core.isolation.ts covers. */
export const domain: IsolationDomain = {
  name: 'customer contact preferences and timeline',
  snapshotQuery: `{ customers(first: 5, filter: { tag: "care-iso" }) { edges { node {
    id timeZone contactPreferences { channels optedOutOfCare optedOutAt }
    timeline(first: 20) { edges { cursor node { at entry { __typename ... on Purchase { id product } } } } } } } } }`,
  async setup(api) {
    const created = dataOf(
      await api.asA.gql(
        `mutation { createCustomer(input: { name: "Care A", tags: ["care-iso"], timeZone: "Asia/Shanghai" }) {
          __typename ... on MutationCreateCustomerSuccess { data { id } } } }`,
      ),
    ).createCustomer;
    const customerId = created.data.id as string;
    const set = dataOf(
      await api.asA.gql(
        `mutation($id: ID!) { updateContactPreferences(input: { customerId: $id, channels: [EMAIL] }) { __typename } }
         `,
        { id: customerId },
      ),
    );
    expect(set.updateContactPreferences.__typename).toBe('MutationUpdateContactPreferencesSuccess');
    await api.asA.gql(
      `mutation($id: ID!) { recordPurchase(input: { customerId: $id, product: "Care kettle", purchasedAt: "2026-11-01T10:00:00Z" }) { __typename } }`,
      { id: customerId },
    );
    return { customerId };
  },
  queries: {},
  mutations: {
    async updateContactPreferences(api, a) {
      const result = dataOf(
        await api.asB.gql(
          `mutation($id: ID!) { updateContactPreferences(input: { customerId: $id, channels: [SMS], optedOutOfCare: true }) { __typename } }`,
          { id: a.customerId },
        ),
      );
      expect(result.updateContactPreferences.__typename).toBe('NotFoundError');
      // The timeline of A's customer is not reachable with B's key.
      const read = dataOf(await api.asB.gql(`query($id: ID!) { customer(id: $id) { timeline(first: 5) { edges { cursor } } } }`, { id: a.customerId }));
      expect(read.customer).toBeNull();
    },
  },
};
