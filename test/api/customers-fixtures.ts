/**
 * Shared GraphQL documents and helpers for the customers-*.test.ts files. Each call goes through
 * the real API (yoga.fetch), so the tests exercise the schema, the errors plugin and the
 * database together.
 */
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { customerIdentities, customers, purchases } from '../../server/db/tables/index.ts';
import { dataOf, type Caller, type TestApi } from '../helpers/api.ts';

export const CUSTOMER = `
  id externalId name email phone birthday locale gender tier tierSource lifecycleStage
  specialNeeds tags attributes erased createdAt updatedAt
  identities { id channel value verified }
  products { id product purchasedAt reason promises value }`;

/** Selects every member of a mutation's result union. */
const result = (successType: string, data: string) => `
  __typename
  ... on ${successType} { data ${data} }
  ... on ValidationError { message issues { path message } }
  ... on ConflictError { field message }
  ... on NotFoundError { entity message }`;

const PURCHASE = `{ id product purchasedAt reason promises value customer { id } }`;

export type Json = Record<string, any>;

export function customersOf(caller: Caller) {
  const mutate = async (field: string, signature: string, call: string, success: string, data: string, vars: Json) => {
    const response = dataOf(await caller.gql(`mutation${signature} { ${field}${call} { ${result(success, data)} } }`, vars));
    return response[field] as Json;
  };
  return {
    create: (input: Json) =>
      mutate('createCustomer', '($input: CreateCustomerInput!)', '(input: $input)', 'MutationCreateCustomerSuccess', `{ ${CUSTOMER} }`, { input }),
    update: (id: string, input: Json) =>
      mutate('updateCustomer', '($input: UpdateCustomerInput!)', '(input: $input)', 'MutationUpdateCustomerSuccess', `{ ${CUSTOMER} }`, { input: { id, ...input } }),
    addIdentity: (customerId: string, input: Json) =>
      mutate('addCustomerIdentity', '($input: AddCustomerIdentityInput!)', '(input: $input)', 'MutationAddCustomerIdentitySuccess', `{ ${CUSTOMER} }`, { input: { customerId, ...input } }),
    removeIdentity: (identityId: string) =>
      mutate('removeCustomerIdentity', '($input: RemoveCustomerIdentityInput!)', '(input: $input)', 'MutationRemoveCustomerIdentitySuccess', `{ ${CUSTOMER} }`, { input: { identityId } }),
    recordPurchase: (customerId: string, input: Json) =>
      mutate('recordPurchase', '($input: RecordPurchaseInput!)', '(input: $input)', 'MutationRecordPurchaseSuccess', PURCHASE, { input: { customerId, ...input } }),
    merge: (sourceId: string, targetId: string) =>
      mutate('mergeCustomers', '($input: MergeCustomersInput!)', '(input: $input)', 'MutationMergeCustomersSuccess', `{ ${CUSTOMER} }`, { input: { sourceId, targetId } }),
    erase: (id: string) =>
      mutate('eraseCustomer', '($input: EraseCustomerInput!)', '(input: $input)', 'MutationEraseCustomerSuccess', `{ ${CUSTOMER} }`, { input: { id } }),
    exportOne: (id: string) =>
      mutate('exportCustomer', '($input: ExportCustomerInput!)', '(input: $input)', 'MutationExportCustomerSuccess', '', { input: { id } }),
    recomputeTiers: () =>
      mutate('recomputeTiers', '', '', 'MutationRecomputeTiersSuccess', '{ a b c }', {}),
    async get(id: string): Promise<Json | null> {
      return dataOf(await caller.gql(`query($id: ID!) { customer(id: $id) { ${CUSTOMER} } }`, { id })).customer;
    },
    async byIdentity(channel: string, value: string): Promise<Json | null> {
      const query = `query($channel: IdentityChannel!, $value: String!) { customerByIdentity(channel: $channel, value: $value) { id name email } }`;
      return dataOf(await caller.gql(query, { channel, value })).customerByIdentity;
    },
    async list(args: Json = {}): Promise<{ totalCount: number; pageInfo: Json; edges: { cursor: string; node: Json }[] }> {
      const query = `query($first: Int, $after: String, $filter: CustomerFilter) {
        customers(first: $first, after: $after, filter: $filter) {
          totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name email phone tier tags lifecycleStage erased } } } }`;
      return dataOf(await caller.gql(query, args)).customers;
    },
  };
}

export type CustomersApi = ReturnType<typeof customersOf>;

/** The `data` of a success result; fails with the typed error otherwise. */
export function ok(result: Json): any {
  expect(result.__typename, JSON.stringify(result)).toMatch(/Success$/);
  return result.data;
}

/** Asserts a ValidationError and returns its issue paths, joined with dots. */
export function issuePaths(result: Json): string[] {
  expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) expect(issue.message).not.toBe('');
  return result.issues.map((i: { path: string[] }) => i.path.join('.'));
}

/** Rows of org A in the customer tables, read straight from the database. */
export async function rowCounts(api: TestApi, orgId = api.orgA.id) {
  const db = api.db.db;
  return {
    customers: await db.$count(customers, eq(customers.orgId, orgId)),
    identities: await db.$count(customerIdentities, eq(customerIdentities.orgId, orgId)),
    purchases: await db.$count(purchases, eq(purchases.orgId, orgId)),
  };
}

/** A short suffix so tests in one file never collide on unique values. */
let counter = 0;
export const unique = (prefix: string) => `${prefix}${++counter}x${Date.now().toString(36)}`;
