import { expect } from 'vitest';
import { dataOf, type TestApi } from '../../helpers/api.ts';
import type { IsolationDomain } from '../../helpers/isolation.ts';

const CUSTOMER_FIELDS =
  'id externalId name email phone tier tierSource tags attributes identities { id channel value } products { product value reason }';

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


const b = (api: TestApi) => api.asB;
const typename = (data: Record<string, { __typename: string }>, field: string) => data[field]!.__typename;

export const domain: IsolationDomain = {
  name: 'customers, organizations, keys and sites',
  snapshotQuery: `{ customers(first: 100) { totalCount edges { node { ${CUSTOMER_FIELDS} } } }
    apiKeys { id revokedAt } sites { id name allowedOrigins publishableKey } }`,
  async setup(api) {
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
      await api.asA.gql('mutation { createSite(input: { name: "A shop", allowedOrigins: ["https://a.example"] }) { ... on MutationCreateSiteSuccess { data { site { id } } } } }'),
    ).createSite.data.site;
    const a: Record<string, string> = {
      siteId: site.id,
      customerId: first.id,
      otherCustomerId: second.id,
      identityId: first.identities.find((i: { channel: string }) => i.channel === 'EMAIL').id,
      email: 'alice@a.example',
      externalId: 'shared-ext',
      keyId: keys[0].id,
    };
    await api.asA.gql(
      `mutation($id: ID!) { recordPurchase(input: { customerId: $id, product: "Sofa", purchasedAt: "2026-05-01T10:00:00Z", value: 900, reason: "moving" }) { __typename } }`,
      { id: a.customerId },
    );
    await api.asA.gql('mutation { recomputeTiers { __typename } }');
    a.bCustomerId = (await create(api.asB, { name: 'Bob B' })).id;
    return a;
  },
  queries: {
    async customer(api, a) {
      const data = dataOf(await b(api).gql(`query($id: ID!) { customer(id: $id) { id } }`, { id: a.customerId }));
      expect(data.customer).toBeNull();
    },
    async customers(api, a) {
      for (const filter of [{}, { search: 'Alice' }, { tag: 'vip' }, { tier: 'A' }]) {
        const data = dataOf(
          await b(api).gql(`query($f: CustomerFilter) { customers(first: 100, filter: $f) { totalCount edges { node { id } } } }`, { f: filter }),
        );
        const ids = data.customers.edges.map((e: { node: { id: string } }) => e.node.id);
        expect(ids).not.toContain(a.customerId);
        expect(data.customers.totalCount).toBe(ids.length);
      }
    },
    async customerByIdentity(api, a) {
      const data = dataOf(await b(api).gql(`{ customerByIdentity(channel: EMAIL, value: "${a.email}") { id } }`));
      expect(data.customerByIdentity).toBeNull();
    },
    async node(api, a) {
      // Sites and API keys are nodes too: their global ids read as null in another organization.
      for (const id of [a.customerId, a.siteId, a.keyId]) {
        const data = dataOf(await b(api).gql(`query($id: ID!) { node(id: $id) { id } }`, { id }));
        expect(data.node, id).toBeNull();
      }
    },
    async nodes(api, a) {
      const ids = [a.customerId, a.siteId, a.keyId, a.bCustomerId];
      const data = dataOf(await b(api).gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids }));
      expect(data.nodes).toEqual([null, null, null, { id: a.bCustomerId }]);
    },
    async organization(api, a) {
      const data = dataOf(await b(api).gql('{ organization { id slug } }'));
      expect(data.organization).toEqual({ id: api.orgB.id, slug: api.orgB.slug });
    },
    async sites(api, a) {
      const data = dataOf(await b(api).gql('{ sites { id } }'));
      expect(data.sites.map((site: { id: string }) => site.id)).not.toContain(a.siteId);
    },
    async apiKeys(api, a) {
      const data = dataOf(await b(api).gql('{ apiKeys { id } }'));
      expect(data.apiKeys.map((k: { id: string }) => k.id)).not.toContain(a.keyId);
    },
  },
  mutations: {
    async createCustomer(api, a) {
      // Identities and external ids are unique per org: A's values neither conflict nor leak.
      const created = await create(api.asB, { name: 'B twin', email: a.email, externalId: a.externalId });
      expect(created.id).not.toBe(a.customerId);
    },
    async updateCustomer(api, a) {
      const data = dataOf(
        await b(api).gql(`mutation($id: ID!) { updateCustomer(input: { id: $id, name: "pwned" }) { __typename } }`, { id: a.customerId }),
      );
      expect(typename(data, 'updateCustomer')).toBe('NotFoundError');
    },
    async addCustomerIdentity(api, a) {
      const data = dataOf(
        await b(api).gql(`mutation($id: ID!) { addCustomerIdentity(input: { customerId: $id, channel: WECHAT, value: "x" }) { __typename } }`, {
          id: a.customerId,
        }),
      );
      expect(typename(data, 'addCustomerIdentity')).toBe('NotFoundError');
    },
    async removeCustomerIdentity(api, a) {
      const data = dataOf(
        await b(api).gql(`mutation($id: ID!) { removeCustomerIdentity(input: { identityId: $id }) { __typename } }`, { id: a.identityId }),
      );
      expect(typename(data, 'removeCustomerIdentity')).toBe('NotFoundError');
    },
    async recordPurchase(api, a) {
      const data = dataOf(
        await b(api).gql(
          `mutation($id: ID!) { recordPurchase(input: { customerId: $id, product: "x", purchasedAt: "2026-01-01T00:00:00Z" }) { __typename } }`,
          { id: a.customerId },
        ),
      );
      expect(typename(data, 'recordPurchase')).toBe('NotFoundError');
    },
    async mergeCustomers(api, a) {
      for (const [sourceId, targetId] of [
        [a.customerId, a.bCustomerId],
        [a.bCustomerId, a.customerId],
        [a.customerId, a.otherCustomerId],
      ]) {
        const data = dataOf(
          await b(api).gql(`mutation($s: ID!, $t: ID!) { mergeCustomers(input: { sourceId: $s, targetId: $t }) { __typename } }`, {
            s: sourceId,
            t: targetId,
          }),
        );
        expect(typename(data, 'mergeCustomers')).toBe('NotFoundError');
      }
    },
    async eraseCustomer(api, a) {
      const data = dataOf(await b(api).gql(`mutation($id: ID!) { eraseCustomer(input: { id: $id }) { __typename } }`, { id: a.customerId }));
      expect(typename(data, 'eraseCustomer')).toBe('NotFoundError');
    },
    async exportCustomer(api, a) {
      const result = await b(api).gql(`mutation($id: ID!) { exportCustomer(input: { id: $id }) { __typename ... on MutationExportCustomerSuccess { data } } }`, {
        id: a.customerId,
      });
      expect(typename(dataOf(result), 'exportCustomer')).toBe('NotFoundError');
      expect(JSON.stringify(result)).not.toContain('Alice');
    },
    async recomputeTiers(api, a) {
      const data = dataOf(await b(api).gql('mutation { recomputeTiers { ... on MutationRecomputeTiersSuccess { data { a b c } } } }'));
      const { a: tierA, b: tierB, c: tierC } = data.recomputeTiers.data;
      // B has only its own customers (Bob and the twin), so the counts cannot include A's.
      expect(tierA + tierB + tierC).toBe(2);
    },
    async createApiKey(api, a) {
      const data = dataOf(
        await b(api).gql('mutation { createApiKey(input: { name: "b2", scopes: [READ] }) { ... on MutationCreateApiKeySuccess { data { key } } } }'),
      );
      const seen = dataOf(await api.withKey(data.createApiKey.data.key).gql('{ customers(first: 100) { edges { node { id } } } }'));
      expect(JSON.stringify(seen)).not.toContain(a.customerId);
    },
    async createSite(api, a) {
      const data = dataOf(
        await b(api).gql('mutation { createSite(input: { name: "B shop", allowedOrigins: ["https://a.example"] }) { __typename } }'),
      );
      expect(typename(data, 'createSite')).toBe('MutationCreateSiteSuccess');
    },
    async updateSite(api, a) {
      const data = dataOf(
        await b(api).gql(`mutation($id: ID!) { updateSite(input: { id: $id, allowedOrigins: ["https://evil.example"] }) { __typename } }`, {
          id: a.siteId,
        }),
      );
      expect(typename(data, 'updateSite')).toBe('NotFoundError');
    },
    async rotateSiteKeys(api, a) {
      const data = dataOf(await b(api).gql(`mutation($id: ID!) { rotateSiteKeys(input: { id: $id }) { __typename } }`, { id: a.siteId }));
      expect(typename(data, 'rotateSiteKeys')).toBe('NotFoundError');
    },
    async revokeApiKey(api, a) {
      const data = dataOf(await b(api).gql(`mutation($id: ID!) { revokeApiKey(input: { id: $id }) { __typename } }`, { id: a.keyId }));
      expect(typename(data, 'revokeApiKey')).toBe('NotFoundError');
    },
  
  },
};
