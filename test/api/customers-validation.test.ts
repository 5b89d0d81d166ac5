import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect } from 'vitest';
import { dataOf } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { issuePaths, ok, rowCounts } from './customers-fixtures.ts';

let customerId: string;
it.beforeAll(async ({ customers: a }) => {
  customerId = ok(await a.create({ name: 'Target' })).id;
});

const today = () => new Date().toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);

/** Each bad field alone must be refused with its path, and nothing written. */
const badProfileFields: [string, Record<string, unknown>, string][] = [
  ['a bad email', { email: 'not-an-email' }, 'input.email'],
  ['an email with spaces inside', { email: 'a b@example.com' }, 'input.email'],
  ['an over-long email', { email: `${'x'.repeat(250)}@example.com` }, 'input.email'],
  ['a bad phone', { phone: 'call me' }, 'input.phone'],
  ['a too short phone', { phone: '12' }, 'input.phone'],
  ['a birthday in the future', { birthday: tomorrow() }, 'input.birthday'],
  ['a birthday before 1900', { birthday: '1899-12-31' }, 'input.birthday'],
  ['a malformed Date', { birthday: '17/05/1990' }, 'input.birthday'],
  ['an impossible Date', { birthday: '1990-02-30' }, 'input.birthday'],
  ['a Date with a time', { birthday: '1990-02-03T00:00:00Z' }, 'input.birthday'],
  ['attributes over 16 KB', { attributes: { notes: 'x'.repeat(16_400) } }, 'input.attributes'],
  ['attributes that are not an object', { attributes: ['hobby'] }, 'input.attributes'],
  ['attributes that are a string', { attributes: 'hobby' }, 'input.attributes'],
  ['over 50 tags', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'input.tags'],
  ['an over-long tag', { tags: ['ok', 'x'.repeat(51)] }, 'input.tags.1'],
  ['an empty tag', { tags: ['  '] }, 'input.tags.0'],
  ['a name over 200 characters', { name: 'x'.repeat(201) }, 'input.name'],
  ['an empty name', { name: '   ' }, 'input.name'],
  ['an over-long externalId', { externalId: 'x'.repeat(201) }, 'input.externalId'],
  ['an over-long gender', { gender: 'x'.repeat(51) }, 'input.gender'],
  ['a bad locale', { locale: 'english please' }, 'input.locale'],
  ['a locale with an underscore', { locale: 'zh_CN' }, 'input.locale'],
];

describe('createCustomer refuses bad input with the path of each field', () => {
  for (const [label, input, path] of badProfileFields) {
    it(label, async ({ api, customers: a }) => {
      const before = await rowCounts(api);
      expect(issuePaths(await a.create({ name: 'Valid', ...input }))).toEqual([path]);
      expect(await rowCounts(api)).toEqual(before);
    });
  }

  it('reports every bad field at once', async ({ customers: a }) => {
    const paths = issuePaths(await a.create({ email: 'bad', phone: 'bad', locale: '!', name: 'x'.repeat(300) }));
    expect(paths.sort()).toEqual(['input.email', 'input.locale', 'input.name', 'input.phone']);
  });

  it('names the bad identity in the list', async ({ customers: a }) => {
    const paths = issuePaths(
      await a.create({ identities: [{ channel: 'WECHAT', value: 'ok' }, { channel: 'EMAIL', value: 'nope' }, { channel: 'QQ', value: ' ' }] }),
    );
    expect(paths).toEqual(['input.identities.1.value', 'input.identities.2.value']);
  });

  it('refuses more than 20 further identities', async ({ customers: a }) => {
    const identities = Array.from({ length: 21 }, (_, i) => ({ channel: 'WEB', value: `cookie-${i}` }));
    expect(issuePaths(await a.create({ identities }))).toEqual(['input.identities']);
  });

  it('accepts today as a birthday and attributes just under the limit', async ({ customers: a }) => {
    const notes = 'x'.repeat(16_000);
    const c = ok(await a.create({ birthday: today(), attributes: { notes } }));
    expect(c.birthday).toBe(today());
    expect(c.attributes.notes).toHaveLength(16_000);
  });

  it('counts attribute size in bytes, not characters', async ({ customers: a }) => {
    // 6,000 three-byte characters: 18,000 bytes of JSON.
    expect(issuePaths(await a.create({ attributes: { name: '中'.repeat(6_000) } }))).toEqual(['input.attributes']);
  });
});

describe('updateCustomer refuses bad input with the path of each field', () => {
  for (const [label, input, path] of badProfileFields) {
    it(label, async ({ customers: a }) => {
      const before = (await a.get(customerId))!;
      expect(issuePaths(await a.update(customerId, { name: 'Changed', ...input }))).toEqual([path]);
      expect(await a.get(customerId)).toEqual(before);
    });
  }

  it('says that lifecycleStage, tags, specialNeeds and attributes cannot be null', async ({ customers: a }) => {
    const result = await a.update(customerId, { lifecycleStage: null, tags: null, specialNeeds: null, attributes: null });
    expect(issuePaths(result).sort()).toEqual(['input.attributes', 'input.lifecycleStage', 'input.specialNeeds', 'input.tags']);
  });
});

describe('addCustomerIdentity refuses bad input', () => {
  it('a bad email value', async ({ customers: a }) => {
    expect(issuePaths(await a.addIdentity(customerId, { channel: 'EMAIL', value: 'x' }))).toEqual(['input.value']);
  });

  it('an empty or over-long value', async ({ customers: a }) => {
    expect(issuePaths(await a.addIdentity(customerId, { channel: 'WECHAT', value: '   ' }))).toEqual(['input.value']);
    expect(issuePaths(await a.addIdentity(customerId, { channel: 'WEB', value: 'x'.repeat(255) }))).toEqual(['input.value']);
  });
});

describe('recordPurchase refuses bad input', () => {
  const valid = { product: 'Kettle', purchasedAt: '2026-01-01T10:00:00Z', value: 10 };
  const cases: [string, Record<string, unknown>, string][] = [
    ['a negative value', { value: -1 }, 'input.value'],
    ['a value beyond the column', { value: 1e13 }, 'input.value'],
    ['an empty product', { product: ' ' }, 'input.product'],
    ['an over-long product', { product: 'x'.repeat(201) }, 'input.product'],
    ['an over-long reason', { reason: 'x'.repeat(5_001) }, 'input.reason'],
    ['too many promises', { promises: Array.from({ length: 21 }, () => 'p') }, 'input.promises'],
    ['a malformed DateTime', { purchasedAt: 'yesterday' }, 'input.purchasedAt'],
    ['a DateTime without a time zone', { purchasedAt: '2026-01-01T10:00:00' }, 'input.purchasedAt'],
  ];
  for (const [label, input, path] of cases) {
    it(label, async ({ api, customers: a }) => {
      const before = await rowCounts(api);
      expect(issuePaths(await a.recordPurchase(customerId, { ...valid, ...input }))).toEqual([path]);
      expect(await rowCounts(api)).toEqual(before);
    });
  }
});

describe('bad global IDs', () => {
  const garbage = 'garbage!';
  const otherType = encodeGlobalID('Organization', '6f1c1f8e-2f5b-4d3c-9a55-111111111111');
  const notUuid = encodeGlobalID('Customer', '42');

  it('are a ValidationError naming the argument in every customer mutation', async ({ customers: a }) => {
    for (const bad of [garbage, otherType, notUuid]) {
      expect(issuePaths(await a.update(bad, { name: 'x' }))).toEqual(['input.id']);
      expect(issuePaths(await a.addIdentity(bad, { channel: 'QQ', value: '1' }))).toEqual(['input.customerId']);
      expect(issuePaths(await a.recordPurchase(bad, { product: 'x', purchasedAt: '2026-01-01T00:00:00Z' }))).toEqual(['input.customerId']);
      expect(issuePaths(await a.merge(bad, customerId))).toEqual(['input.sourceId']);
      expect(issuePaths(await a.merge(customerId, bad))).toEqual(['input.targetId']);
      expect(issuePaths(await a.erase(bad))).toEqual(['input.id']);
      expect(issuePaths(await a.exportOne(bad))).toEqual(['input.id']);
    }
    expect(issuePaths(await a.removeIdentity(garbage))).toEqual(['input.identityId']);
    expect(issuePaths(await a.removeIdentity(customerId))).toEqual(['input.identityId']);
  });

  it('are BAD_USER_INPUT in customer(id), never an unexpected error', async ({ api }) => {
    for (const bad of [garbage, otherType, notUuid]) {
      const response = await api.asA.gql(`query($id: ID!) { customer(id: $id) { id } }`, { id: bad });
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0]!.extensions?.code, response.errors![0]!.message).toBe('BAD_USER_INPUT');
    }
  });

  it('garbage and ids of a type that is no node are BAD_USER_INPUT in node(id) and nodes(ids)', async ({ api }) => {
    for (const bad of [garbage, otherType]) {
      for (const query of [`query($id: ID!) { node(id: $id) { id } }`, `query($id: ID!) { nodes(ids: [$id]) { id } }`]) {
        const response = await api.asA.gql(query, { id: bad });
        expect(response.errors, `${query} ${bad}`).toHaveLength(1);
        expect(response.errors![0]!.extensions?.code, `${query} ${bad}: ${response.errors![0]!.message}`).toBe('BAD_USER_INPUT');
      }
    }
  });

  it('a well-formed id nobody has reads as null in customer(id)', async ({ api, customers: a }) => {
    const id = encodeGlobalID('Customer', '00000000-0000-4000-8000-000000000000');
    expect(dataOf(await api.asA.gql(`query($id: ID!) { customer(id: $id) { id } }`, { id }))).toEqual({ customer: null });
    expect((await a.update(id, { name: 'x' })).__typename).toBe('NotFoundError');
  });

  it('node(id) and nodes(ids) refuse a Customer id that is not a UUID with BAD_USER_INPUT', async ({ api }) => {
    for (const query of [`query($id: ID!) { node(id: $id) { id } }`, `query($id: ID!) { nodes(ids: [$id]) { id } }`]) {
      const response = await api.asA.gql(query, { id: notUuid });
      expect(response.errors?.[0]?.extensions?.code, response.errors?.[0]?.message).toBe('BAD_USER_INPUT');
    }
  });

  const missing = encodeGlobalID('Customer', '00000000-0000-4000-8000-000000000000');

  it('node(id) reads an id nobody has as null', async ({ api }) => {
    expect(dataOf(await api.asA.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: missing }))).toEqual({ node: null });
  });

  it('nodes(ids) reads an id nobody has as null, next to one that exists', async ({ api }) => {
    const data = dataOf(await api.asA.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [customerId, missing] }));
    expect(data).toEqual({ nodes: [{ id: customerId }, null] });
  });

  it('customerByIdentity with a value that cannot be a handle on the channel is BAD_USER_INPUT', async ({ api }) => {
    const response = await api.asA.gql(`{ customerByIdentity(channel: EMAIL, value: "nope") { id } }`);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
