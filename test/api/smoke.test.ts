import { expect } from 'vitest';
import { dataOf } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';

it('creates and reads a customer', async ({ api }) => {
  const created = dataOf(
    await api.asA.gql(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
        __typename ... on MutationCreateCustomerSuccess { data { id name email identities { channel value } } }
        ... on Error { message } } }`,
      { input: { name: 'Ann', email: 'Ann@Example.com', externalId: 'c-1' } },
    ),
  );
  expect(created.createCustomer.__typename).toBe('MutationCreateCustomerSuccess');
  const found = dataOf(
    await api.asA.gql(`{ customerByIdentity(channel: EMAIL, value: "ann@example.COM ") { name } customers(first: 5) { totalCount edges { node { name products { product } } } } }`),
  );
  expect(found.customerByIdentity.name).toBe('Ann');
  expect(found.customers.totalCount).toBe(1);
});
