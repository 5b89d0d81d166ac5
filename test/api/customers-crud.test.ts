import { describe, expect } from 'vitest';
import { dataOf } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { CUSTOMER, customersOf, ok, rowCounts } from './customers-fixtures.ts';

// The file's API is built in a hook, under hookTimeout as before, not within the first test's time.
it.beforeAll(({ api: _ }) => {});

const fullInput = {
  externalId: 'crm-0001',
  name: 'Li Wei',
  email: 'li.wei@example.com',
  phone: '+8613800138000',
  birthday: '1984-02-29',
  locale: 'zh-CN',
  gender: 'female',
  tier: 'B',
  lifecycleStage: 'ACTIVE',
  specialNeeds: ['ELDERLY', 'DISABLED'],
  tags: ['vip', 'tea'],
  attributes: { hobbies: ['go', 'tea'], family: { children: 2 }, note: null },
  identities: [
    { channel: 'WECHAT', value: 'liwei_wx', verified: true },
    { channel: 'QQ', value: '12345678' },
  ],
};

describe('createCustomer with every field', () => {
  let created: any;
  it.beforeAll(async ({ customers: a }) => {
    created = ok(await a.create(fullInput));
  });

  it('returns every field as given, with tierSource MANUAL for a given tier', () => {
    expect(created).toMatchObject({
      externalId: 'crm-0001',
      name: 'Li Wei',
      email: 'li.wei@example.com',
      phone: '+8613800138000',
      birthday: '1984-02-29',
      locale: 'zh-CN',
      gender: 'female',
      tier: 'B',
      tierSource: 'MANUAL',
      lifecycleStage: 'ACTIVE',
      specialNeeds: ['ELDERLY', 'DISABLED'],
      tags: ['vip', 'tea'],
      attributes: { hobbies: ['go', 'tea'], family: { children: 2 }, note: null },
      erased: false,
      products: [],
    });
    expect(created.id).toEqual(expect.any(String));
    expect(Date.parse(created.createdAt)).not.toBeNaN();
    expect(created.updatedAt).toBe(created.createdAt);
  });

  it('links email, phone and the given identities', () => {
    const identities = created.identities.map((i: any) => [i.channel, i.value, i.verified]);
    expect(identities).toEqual(
      expect.arrayContaining([
        ['EMAIL', 'li.wei@example.com', false],
        ['PHONE', '+8613800138000', false],
        ['WECHAT', 'liwei_wx', true],
        ['QQ', '12345678', false],
      ]),
    );
    expect(identities).toHaveLength(4);
  });

  it('reads back the same through customer(id), node(id) and the customers list', async ({ api }) => {
    const data = dataOf(
      await api.asA.gql(
        `query($id: ID!) {
          customer(id: $id) { ${CUSTOMER} }
          node(id: $id) { __typename id ... on Customer { ${CUSTOMER} } }
          customers(first: 10) { totalCount edges { node { ${CUSTOMER} } } }
        }`,
        { id: created.id },
      ),
    );
    expect(data.customer).toEqual(created);
    expect(data.node).toEqual({ __typename: 'Customer', ...created });
    expect(data.customers.edges.map((e: any) => e.node)).toContainEqual(created);
  });

  it('defaults what was not given: stage PROSPECT, no tier, empty lists and attributes', async ({ customers: a }) => {
    const bare = ok(await a.create({}));
    expect(bare).toMatchObject({
      externalId: null,
      name: null,
      email: null,
      phone: null,
      birthday: null,
      locale: null,
      gender: null,
      tier: null,
      tierSource: null,
      lifecycleStage: 'PROSPECT',
      specialNeeds: [],
      tags: [],
      attributes: {},
      identities: [],
      erased: false,
    });
  });

  it('trims text and drops duplicate tags and special needs', async ({ customers: a }) => {
    const c = ok(await a.create({ name: '  Ann  ', tags: ['x', 'x', 'y'], specialNeeds: ['CHILD', 'CHILD'] }));
    expect(c.name).toBe('Ann');
    expect(c.tags).toEqual(['x', 'y']);
    expect(c.specialNeeds).toEqual(['CHILD']);
  });
});

describe('updateCustomer', () => {
  it('changes given fields, keeps absent ones, clears nulls and bumps updatedAt', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'Bo', gender: 'male', locale: 'en', tags: ['a'], attributes: { x: 1 } }));
    const updated = ok(
      await a.update(c.id, {
        name: 'Bo Li',
        gender: null,
        tags: ['b', 'c'],
        attributes: { y: 2 },
        lifecycleStage: 'DISSATISFIED',
        birthday: '1990-05-17',
        specialNeeds: ['PREGNANT'],
      }),
    );
    expect(updated).toMatchObject({
      name: 'Bo Li',
      gender: null,
      locale: 'en',
      tags: ['b', 'c'],
      attributes: { y: 2 },
      lifecycleStage: 'DISSATISFIED',
      birthday: '1990-05-17',
      specialNeeds: ['PREGNANT'],
    });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(c.updatedAt));
    expect(await a.get(c.id)).toEqual(updated);
  });

  it('an empty input changes nothing', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'Same', tags: ['t'] }));
    const updated = ok(await a.update(c.id, {}));
    expect({ ...updated, updatedAt: undefined }).toEqual({ ...c, updatedAt: undefined });
  });

  it('setting a tier makes it MANUAL', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'Tiered' }));
    expect(ok(await a.update(c.id, { tier: 'A' }))).toMatchObject({ tier: 'A', tierSource: 'MANUAL' });
    expect(ok(await a.update(c.id, { tier: null }))).toMatchObject({ tier: null, tierSource: null });
  });

  it('can change and clear the externalId', async ({ customers: a }) => {
    const c = ok(await a.create({ externalId: 'ext-upd-1' }));
    expect(ok(await a.update(c.id, { externalId: 'ext-upd-2' })).externalId).toBe('ext-upd-2');
    expect(ok(await a.update(c.id, { externalId: null })).externalId).toBeNull();
    // The old value is free again.
    expect(ok(await a.create({ externalId: 'ext-upd-1' })).externalId).toBe('ext-upd-1');
  });

  it('an unknown customer is NotFoundError and writes nothing', async ({ api, customers: a }) => {
    const c = ok(await a.create({ name: 'Gone soon' }));
    const before = await rowCounts(api);
    const other = customersOf(api.asB);
    const result = await other.update(c.id, { name: 'hijack' });
    expect(result.__typename).toBe('NotFoundError');
    expect(result.entity).toBe('Customer');
    expect((await a.get(c.id))!.name).toBe('Gone soon');
    expect(await rowCounts(api)).toEqual(before);
  });
});

describe('customer(id) and node(id) across organizations', () => {
  it('reads as null for another organization', async ({ api, customers: a }) => {
    const c = ok(await a.create({ name: 'Private' }));
    const data = dataOf(await api.asB.gql(`query($id: ID!) { customer(id: $id) { id } node(id: $id) { id } }`, { id: c.id }));
    expect(data).toEqual({ customer: null, node: null });
  });
});

describe('recordPurchase', () => {
  it('lists products newest first with reason, promises and value', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'Shopper' }));
    const older = ok(
      await a.recordPurchase(c.id, {
        product: 'Kettle',
        purchasedAt: '2025-03-01T09:00:00+08:00',
        reason: 'old one broke',
        promises: ['free descaling', '2-year warranty'],
        value: 49.9,
      }),
    );
    expect(older).toMatchObject({
      product: 'Kettle',
      purchasedAt: '2025-03-01T01:00:00.000Z',
      reason: 'old one broke',
      promises: ['free descaling', '2-year warranty'],
      value: 49.9,
      customer: { id: c.id },
    });
    ok(await a.recordPurchase(c.id, { product: 'Teapot', purchasedAt: '2026-01-15T10:00:00Z', value: 120 }));
    ok(await a.recordPurchase(c.id, { product: 'Cups', purchasedAt: '2025-10-01T10:00:00Z' }));

    const products = (await a.get(c.id))!.products;
    expect(products.map((p: any) => p.product)).toEqual(['Teapot', 'Cups', 'Kettle']);
    expect(products[1]).toMatchObject({ reason: null, promises: [], value: 0 });
    expect(products[2]).toMatchObject({ reason: 'old one broke', promises: ['free descaling', '2-year warranty'], value: 49.9 });
  });

  it('keeps cents exactly', async ({ customers: a }) => {
    const c = ok(await a.create({}));
    const p = ok(await a.recordPurchase(c.id, { product: 'Gift card', purchasedAt: '2026-01-01T00:00:00Z', value: 1234567.89 }));
    expect(p.value).toBe(1234567.89);
  });

  it('an unknown customer is NotFoundError', async ({ api, customers: a }) => {
    const c = ok(await a.create({}));
    const result = await customersOf(api.asB).recordPurchase(c.id, { product: 'x', purchasedAt: '2026-01-01T00:00:00Z' });
    expect(result.__typename).toBe('NotFoundError');
  });
});
