import { decodeGlobalID } from '@pothos/plugin-relay';
import type { ExecutionResult } from 'graphql';
import { TestClock } from '../../server/clock/clock.ts';
import { createApiKey, createOrganization } from '../../server/organizations/organizations.service.ts';
import { systemTenant, type Tenant } from '../../server/tenant/tenant.ts';
import { createCareloopYoga, type CareloopYoga } from '../../server/yoga.ts';
import { createTestDatabase, StatementCounter, type TestDatabase } from './database.ts';

export interface GraphQLResponse<T = any> extends ExecutionResult<T> {
  status: number;
}

export interface Caller {
  /** Runs a GraphQL operation through yoga.fetch with this caller's credentials. */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
}

export interface TestSite {
  /** The Site's global id, as the API gives and takes it. */
  id: string;
  /** The row's UUID, for reading the tables directly. */
  rowId: string;
  publishableKey: string;
  identitySecret: string;
  origin: string;
}

export interface TestApi {
  db: TestDatabase;
  yoga: CareloopYoga;
  statements: StatementCounter;
  /** The clock every request of this API reads; starts at the real time, moves only when told. */
  clock: TestClock;
  orgA: { id: string; slug: string; key: string };
  orgB: { id: string; slug: string; key: string };
  /** Services called directly act for an org through a tenant (the system actor `test`, this API's clock). */
  tenant(orgId: string): Tenant;
  /** Full-scope key of org A. */
  asA: Caller;
  /** Full-scope key of org B. */
  asB: Caller;
  anonymous: Caller;
  withKey(key: string): Caller;
  withHeaders(headers: Record<string, string>): Caller;
  /** A widget caller: the site's publishable key, sent from `origin`. */
  withSite(publishableKey: string, origin: string): Caller;
  /**
   * Another organization in this API's database, with a full-scope key: an organization without
   * rows, for the price of two inserts instead of a second database.
   */
  addOrganization(name: string): Promise<{ id: string; slug: string; key: string; as: Caller }>;
  /** Creates a site for org A (or `as`) and returns its keys. */
  createSite(options?: { as?: Caller; allowedOrigins?: string[] }): Promise<TestSite>;
  close(): Promise<void>;
}

/**
 * One API over a throwaway database with two organizations (A and B), each with a read, write
 * and admin key. Use one per test file (beforeAll / afterAll).
 */
export async function createTestApi(): Promise<TestApi> {
  const statements = new StatementCounter();
  const db = await createTestDatabase(statements);
  const clock = new TestClock();
  const yoga = createCareloopYoga({ database: db, clock, logging: false, graphiql: false });
  const tenant = (orgId: string) => systemTenant({ db: db.db, clock }, orgId, 'test');
  const makeOrg = async (name: string) => {
    const org = await createOrganization({ db: db.db, clock }, { name });
    const { key } = await createApiKey(tenant(org.id), { name: 'test', scopes: ['read', 'write', 'admin'] });
    return { id: org.id, slug: org.slug, key };
  };
  const orgA = await makeOrg('Org A');
  const orgB = await makeOrg('Org B');

  const withHeaders = (headers: Record<string, string>): Caller => ({
    async gql(query, variables) {
      const response = await yoga.fetch('http://careloop.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as ExecutionResult;
      return { ...body, status: response.status } as GraphQLResponse;
    },
  });
  const withKey = (key: string) => withHeaders({ authorization: `Bearer ${key}` });
  const withSite = (publishableKey: string, origin: string) =>
    withHeaders({ 'x-careloop-site-key': publishableKey, origin });
  const createSite = async ({ as = withKey(orgA.key), allowedOrigins = ['https://shop.example.com'] } = {}) => {
    const result = dataOf(
      await as.gql(
        `mutation($origins: [String!]!) { createSite(input: { name: "Shop", allowedOrigins: $origins }) {
          __typename ... on MutationCreateSiteSuccess { data { identitySecret site { id publishableKey } } } ... on Error { message } } }`,
        { origins: allowedOrigins },
      ),
    );
    if (result.createSite.__typename !== 'MutationCreateSiteSuccess') throw new Error(JSON.stringify(result));
    const { site, identitySecret } = result.createSite.data;
    return { id: site.id, rowId: decodeGlobalID(site.id).id, publishableKey: site.publishableKey, identitySecret, origin: allowedOrigins[0]! };
  };

  return {
    db,
    yoga,
    statements,
    clock,
    orgA,
    orgB,
    tenant,
    asA: withKey(orgA.key),
    asB: withKey(orgB.key),
    anonymous: withHeaders({}),
    withKey,
    withHeaders,
    addOrganization: async (name) => {
      const org = await makeOrg(name);
      return { ...org, as: withKey(org.key) };
    },
    withSite,
    createSite,
    close: () => db.destroy(),
  };
}

/** Fails the test with the GraphQL errors if there were any, else returns data. */
export function dataOf<T>(result: GraphQLResponse<T>): T {
  if (result.errors?.length) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
  }
  return result.data as T;
}
