import { expect } from 'vitest';
import { dataOf, type Caller } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { issuePaths, ok, type Json } from './customers-fixtures.ts';

const PROFILE = `id timeZone erased`;

async function create(caller: Caller, input: Json): Promise<Json> {
  return dataOf(await caller.gql(
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename
      ... on MutationCreateCustomerSuccess { data { ${PROFILE} } } ... on ValidationError { message issues { path message } } } }`,
    { input },
  )).createCustomer;
}

async function update(caller: Caller, id: string, input: Json): Promise<Json> {
  return dataOf(await caller.gql(
    `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { __typename
      ... on MutationUpdateCustomerSuccess { data { ${PROFILE} } } ... on ValidationError { message issues { path message } } } }`,
    { input: { id, ...input } },
  )).updateCustomer;
}

async function get(caller: Caller, id: string): Promise<Json | null> {
  return dataOf(await caller.gql(`query($id: ID!) { customer(id: $id) { ${PROFILE} } }`, { id })).customer;
}

it.beforeAll(({ api: _ }) => {});

it("keeps the customer's own IANA time zone; null hands it back to the organization's", async ({ api }) => {
  const person = ok(await create(api.asA, { name: 'Zoned', timeZone: 'Asia/Shanghai' }));
  expect(person.timeZone).toBe('Asia/Shanghai');
  expect(ok(await update(api.asA, person.id, { timeZone: 'America/New_York' })).timeZone).toBe('America/New_York');
  // Absent keeps it; null clears it.
  expect(ok(await update(api.asA, person.id, { name: 'Still zoned' })).timeZone).toBe('America/New_York');
  expect(ok(await update(api.asA, person.id, { timeZone: null })).timeZone).toBeNull();
  expect(ok(await create(api.asA, { name: 'Unzoned' })).timeZone).toBeNull();
});

it('refuses a time zone that is not an IANA zone, naming the field', async ({ api }) => {
  for (const timeZone of ['Mars/Olympus_Mons', 'GMT+25', '', 'Asia/Shanghai; drop table customers']) {
    expect(issuePaths(await create(api.asA, { timeZone })), timeZone).toEqual(['input.timeZone']);
  }
  const person = ok(await create(api.asA, { timeZone: 'Europe/Berlin' }));
  expect(issuePaths(await update(api.asA, person.id, { timeZone: 'Europe/Atlantis' }))).toEqual(['input.timeZone']);
  expect((await get(api.asA, person.id))!.timeZone).toBe('Europe/Berlin');
});

it("a merge keeps the target's time zone, else the source's; erasure clears it; export includes it", async ({ api }) => {
  const merge = async (sourceId: string, targetId: string) =>
    ok(dataOf(await api.asA.gql(
      `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { __typename ... on MutationMergeCustomersSuccess { data { ${PROFILE} } } } }`,
      { input: { sourceId, targetId } },
    )).mergeCustomers);
  const [a, b] = [ok(await create(api.asA, { timeZone: 'Asia/Tokyo' })), ok(await create(api.asA, { timeZone: 'Europe/Paris' }))];
  expect((await merge(a.id, b.id)).timeZone).toBe('Europe/Paris');
  const [c, d] = [ok(await create(api.asA, { timeZone: 'Asia/Tokyo' })), ok(await create(api.asA, {}))];
  expect((await merge(c.id, d.id)).timeZone).toBe('Asia/Tokyo');

  const exported = ok(dataOf(await api.asA.gql(
    `mutation($id: ID!) { exportCustomer(input: { id: $id }) { __typename ... on MutationExportCustomerSuccess { data } } }`,
    { id: d.id },
  )).exportCustomer);
  expect(exported.customer).toMatchObject({ timeZone: 'Asia/Tokyo' });

  const erased = ok(dataOf(await api.asA.gql(
    `mutation($id: ID!) { eraseCustomer(input: { id: $id }) { __typename ... on MutationEraseCustomerSuccess { data { ${PROFILE} } } } }`,
    { id: d.id },
  )).eraseCustomer);
  expect(erased).toMatchObject({ erased: true, timeZone: null });
});
