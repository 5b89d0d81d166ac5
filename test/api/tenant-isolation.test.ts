import { afterAll, beforeAll, expect, it } from 'vitest';
import { schema } from '../../server/schema.ts';
import { createTestApi, dataOf, type TestApi } from '../helpers/api.ts';

/**
 * Org B's key is pointed at org A's rows through every root query and mutation. The list of
 * cases must name every root field, so a new field cannot ship without its isolation check.
 */
let api: TestApi;
let a: { siteId: string; customerId: string; otherCustomerId: string; identityId: string; email: string; externalId: string; keyId: string };
let bCustomerId: string;
let snapshotOfA: string;

const CUSTOMER_FIELDS = 'id externalId name email phone tier tierSource tags attributes identities { id channel value } products { product value reason }';

async function create(as: TestApi['asA'], input: Record<string, unknown>) {
  const result = dataOf(
    await as.gql(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename
        ... on MutationCreateCustomerSuccess { data { id identities { id channel } } } ... on Error { message } } }`,
      { input },
    ),
  );
  expect(result.createCustomer.__typename, JSON.stringify(result)).toBe('MutationCreateCustomerSuccess');
  return result.createCustomer.data;
}

/** Everything org A holds, read with A's key: must be identical after B's attempts. */
async function readA(): Promise<string> {
  const data = dataOf(
    await api.asA.gql(`{ customers(first: 100) { totalCount edges { node { ${CUSTOMER_FIELDS} } } } apiKeys { id revokedAt } sites { id name allowedOrigins publishableKey } }`),
  );
  return JSON.stringify(data);
}

beforeAll(async () => {
  api = await createTestApi();
  const first = await create(api.asA, {
    name: 'Alice A',
    email: 'alice@a.example',
    externalId: 'shared-ext',
    phone: '+1 555 0100',
    tags: ['vip'],
  });
  const second = await create(api.asA, { name: 'Second A', email: 'second@a.example' });
  const keys = dataOf(await api.asA.gql('{ apiKeys { id } }')).apiKeys;
  const site = dataOf(
    await api.asA.gql('mutation { createSite(name: "A shop", allowedOrigins: ["https://a.example"]) { ... on MutationCreateSiteSuccess { data { site { id } } } } }'),
  ).createSite.data.site;
  a = {
    siteId: site.id,
    customerId: first.id,
    otherCustomerId: second.id,
    identityId: first.identities.find((i: { channel: string }) => i.channel === 'EMAIL').id,
    email: 'alice@a.example',
    externalId: 'shared-ext',
    keyId: keys[0].id,
  };
  await api.asA.gql(
    `mutation($id: ID!) { recordPurchase(customerId: $id, input: { product: "Sofa", purchasedAt: "2026-05-01T10:00:00Z", value: 900, reason: "moving" }) { __typename } }`,
    { id: a.customerId },
  );
  await api.asA.gql('mutation { recomputeTiers { __typename } }');
  bCustomerId = (await create(api.asB, { name: 'Bob B' })).id;
  snapshotOfA = await readA();
});
afterAll(() => api.close());

const b = () => api.asB;
const typename = (data: Record<string, { __typename: string }>, field: string) => data[field]!.__typename;

const cases: Record<'Query' | 'Mutation', Record<string, () => Promise<void>>> = {
  Query: {
    async customer() {
      const data = dataOf(await b().gql(`query($id: ID!) { customer(id: $id) { id } }`, { id: a.customerId }));
      expect(data.customer).toBeNull();
    },
    async customers() {
      for (const filter of [{}, { search: 'Alice' }, { tag: 'vip' }, { tier: 'A' }]) {
        const data = dataOf(
          await b().gql(`query($f: CustomerFilter) { customers(first: 100, filter: $f) { totalCount edges { node { id } } } }`, { f: filter }),
        );
        const ids = data.customers.edges.map((e: { node: { id: string } }) => e.node.id);
        expect(ids).not.toContain(a.customerId);
        expect(data.customers.totalCount).toBe(ids.length);
      }
    },
    async customerByIdentity() {
      const data = dataOf(await b().gql(`{ customerByIdentity(channel: EMAIL, value: "${a.email}") { id } }`));
      expect(data.customerByIdentity).toBeNull();
    },
    async node() {
      const data = dataOf(await b().gql(`query($id: ID!) { node(id: $id) { id } }`, { id: a.customerId }));
      expect(data.node).toBeNull();
    },
    async nodes() {
      const data = dataOf(await b().gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [a.customerId, bCustomerId] }));
      expect(data.nodes).toEqual([null, { id: bCustomerId }]);
    },
    async organization() {
      const data = dataOf(await b().gql('{ organization { id slug } }'));
      expect(data.organization).toEqual({ id: api.orgB.id, slug: api.orgB.slug });
    },
    async sites() {
      const data = dataOf(await b().gql('{ sites { id } }'));
      expect(data.sites.map((site: { id: string }) => site.id)).not.toContain(a.siteId);
    },
    async apiKeys() {
      const data = dataOf(await b().gql('{ apiKeys { id } }'));
      expect(data.apiKeys.map((k: { id: string }) => k.id)).not.toContain(a.keyId);
    },
  },
  Mutation: {
    async createCustomer() {
      // Identities and external ids are unique per org: A's values neither conflict nor leak.
      const created = await create(api.asB, { name: 'B twin', email: a.email, externalId: a.externalId });
      expect(created.id).not.toBe(a.customerId);
    },
    async updateCustomer() {
      const data = dataOf(
        await b().gql(`mutation($id: ID!) { updateCustomer(id: $id, input: { name: "pwned" }) { __typename } }`, { id: a.customerId }),
      );
      expect(typename(data, 'updateCustomer')).toBe('NotFoundError');
    },
    async addCustomerIdentity() {
      const data = dataOf(
        await b().gql(`mutation($id: ID!) { addCustomerIdentity(customerId: $id, input: { channel: WECHAT, value: "x" }) { __typename } }`, {
          id: a.customerId,
        }),
      );
      expect(typename(data, 'addCustomerIdentity')).toBe('NotFoundError');
    },
    async removeCustomerIdentity() {
      const data = dataOf(
        await b().gql(`mutation($id: ID!) { removeCustomerIdentity(identityId: $id) { __typename } }`, { id: a.identityId }),
      );
      expect(typename(data, 'removeCustomerIdentity')).toBe('NotFoundError');
    },
    async recordPurchase() {
      const data = dataOf(
        await b().gql(
          `mutation($id: ID!) { recordPurchase(customerId: $id, input: { product: "x", purchasedAt: "2026-01-01T00:00:00Z" }) { __typename } }`,
          { id: a.customerId },
        ),
      );
      expect(typename(data, 'recordPurchase')).toBe('NotFoundError');
    },
    async mergeCustomers() {
      for (const [sourceId, targetId] of [
        [a.customerId, bCustomerId],
        [bCustomerId, a.customerId],
        [a.customerId, a.otherCustomerId],
      ]) {
        const data = dataOf(
          await b().gql(`mutation($s: ID!, $t: ID!) { mergeCustomers(sourceId: $s, targetId: $t) { __typename } }`, {
            s: sourceId,
            t: targetId,
          }),
        );
        expect(typename(data, 'mergeCustomers')).toBe('NotFoundError');
      }
    },
    async eraseCustomer() {
      const data = dataOf(await b().gql(`mutation($id: ID!) { eraseCustomer(id: $id) { __typename } }`, { id: a.customerId }));
      expect(typename(data, 'eraseCustomer')).toBe('NotFoundError');
    },
    async exportCustomer() {
      const result = await b().gql(`mutation($id: ID!) { exportCustomer(id: $id) { __typename ... on MutationExportCustomerSuccess { data } } }`, {
        id: a.customerId,
      });
      expect(typename(dataOf(result), 'exportCustomer')).toBe('NotFoundError');
      expect(JSON.stringify(result)).not.toContain('Alice');
    },
    async recomputeTiers() {
      const data = dataOf(await b().gql('mutation { recomputeTiers { ... on MutationRecomputeTiersSuccess { data { a b c } } } }'));
      const { a: tierA, b: tierB, c: tierC } = data.recomputeTiers.data;
      // B has only its own customers (Bob and the twin), so the counts cannot include A's.
      expect(tierA + tierB + tierC).toBe(2);
    },
    async createApiKey() {
      const data = dataOf(
        await b().gql('mutation { createApiKey(name: "b2", scopes: [READ]) { ... on MutationCreateApiKeySuccess { data { key } } } }'),
      );
      const seen = dataOf(await api.withKey(data.createApiKey.data.key).gql('{ customers(first: 100) { edges { node { id } } } }'));
      expect(JSON.stringify(seen)).not.toContain(a.customerId);
    },
    async createSite() {
      const data = dataOf(
        await b().gql('mutation { createSite(name: "B shop", allowedOrigins: ["https://a.example"]) { __typename } }'),
      );
      expect(typename(data, 'createSite')).toBe('MutationCreateSiteSuccess');
    },
    async updateSite() {
      const data = dataOf(
        await b().gql(`mutation($id: ID!) { updateSite(id: $id, input: { allowedOrigins: ["https://evil.example"] }) { __typename } }`, {
          id: a.siteId,
        }),
      );
      expect(typename(data, 'updateSite')).toBe('NotFoundError');
    },
    async rotateSiteKeys() {
      const data = dataOf(await b().gql(`mutation($id: ID!) { rotateSiteKeys(id: $id) { __typename } }`, { id: a.siteId }));
      expect(typename(data, 'rotateSiteKeys')).toBe('NotFoundError');
    },
    async revokeApiKey() {
      const data = dataOf(await b().gql(`mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }`, { id: a.keyId }));
      expect(typename(data, 'revokeApiKey')).toBe('NotFoundError');
    },
  },
};

it('has an isolation case for every root query and mutation', () => {
  expect(Object.keys(cases.Query).sort()).toEqual(Object.keys(schema.getQueryType()!.getFields()).sort());
  expect(Object.keys(cases.Mutation).sort()).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
});

for (const [root, fields] of Object.entries(cases)) {
  for (const [field, attempt] of Object.entries(fields)) {
    it(`${root}.${field} with org B's key neither shows nor changes org A's rows`, async () => {
      await attempt();
      expect(await readA()).toBe(snapshotOfA);
    });
  }
}
