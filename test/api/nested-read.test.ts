import { expect } from 'vitest';
import { dataOf, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';

it.beforeAll(async ({ api }) => {
  for (let i = 0; i < 60; i++) {
    const result = dataOf(
      await api.asA.gql(
        `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
          ... on MutationCreateCustomerSuccess { data { id } } } }`,
        { input: { name: `Customer ${i}`, email: `c${i}@example.com`, phone: `+8613800000${String(i).padStart(3, '0')}` } },
      ),
    );
    await api.asA.gql(
      `mutation($id: ID!) { recordPurchase(input: { customerId: $id, product: "Kettle", purchasedAt: "2026-01-02T03:04:05Z", value: 10 }) { __typename } }`,
      { id: result.createCustomer.data.id },
    );
  }
});

/** Statements for one operation, minus the API-key lookup every authenticated request makes. */
async function statementsFor(api: TestApi, query: string): Promise<string[]> {
  await api.asA.gql('{ __typename }');
  api.statements.reset();
  await api.asA.gql('{ __typename }');
  const baseline = api.statements.statements.length;
  api.statements.reset();
  const result = await api.asA.gql(query);
  dataOf(result);
  return api.statements.statements.slice(baseline);
}

it('reads 50 customers with their identities and products in one SQL statement', async ({ api }) => {
  const query = `{ customers(first: 50) { edges { node { identities { value } products { product } } } } }`;
  const statements = await statementsFor(api, query);
  expect(statements).toHaveLength(1);
  expect(statements[0]).toMatch(/customer_identities/);
  expect(statements[0]).toMatch(/purchases/);
  const data = dataOf(await api.asA.gql(query));
  expect(data.customers.edges).toHaveLength(50);
  for (const edge of data.customers.edges) {
    expect(edge.node.identities).toHaveLength(2);
    expect(edge.node.products).toEqual([{ product: 'Kettle' }]);
  }
});

it('adds exactly one count statement when totalCount is selected', async ({ api }) => {
  const statements = await statementsFor(api, `{ customers(first: 50) { totalCount edges { node { identities { value } } } } }`);
  expect(statements).toHaveLength(2);
});

it('reads a customer through node(id) with nested relations in one statement', async ({ api }) => {
  const first = dataOf(await api.asA.gql(`{ customers(first: 1) { edges { node { id } } } }`));
  const id = first.customers.edges[0].node.id;
  const statements = await statementsFor(api, `{ node(id: "${id}") { ... on Customer { name identities { value } products { product } } } }`);
  expect(statements).toHaveLength(1);
});
