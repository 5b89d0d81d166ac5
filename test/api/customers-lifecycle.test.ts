import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect } from 'vitest';
import { dataOf } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { customersOf, issuePaths, ok, rowCounts, type Json } from './customers-fixtures.ts';

// The file's API is built in a hook, under hookTimeout as before, not within the first test's time.
it.beforeAll(({ api: _ }) => {});

const unknownId = encodeGlobalID('Customer', '00000000-0000-4000-8000-000000000000');
const purchase = (product: string, purchasedAt: string, value: number, reason?: string) => ({
  product,
  purchasedAt,
  value,
  reason,
  promises: reason ? [`follow up on ${product}`] : [],
});

describe('mergeCustomers', () => {
  let source: Json;
  let target: Json;
  let merged: Json;
  let before: Awaited<ReturnType<typeof rowCounts>>;
  it.beforeAll(async ({ api, customers: a }) => {
    source = ok(
      await a.create({
        externalId: 'src-ext',
        name: 'Source Name',
        email: 'source@example.com',
        phone: '+4930100001',
        birthday: '1970-01-01',
        locale: 'de',
        gender: 'x',
        tier: 'A',
        specialNeeds: ['ELDERLY'],
        tags: ['shared', 'from-source'],
        attributes: { hobby: 'chess', pet: 'cat' },
        identities: [{ channel: 'WECHAT', value: 'src_wx' }],
      }),
    );
    target = ok(
      await a.create({
        name: 'Target Name',
        email: 'target@example.com',
        lifecycleStage: 'ACTIVE',
        specialNeeds: ['CHILD'],
        tags: ['shared', 'from-target'],
        attributes: { hobby: 'go' },
      }),
    );
    ok(await a.recordPurchase(source.id, purchase('Kettle', '2025-01-01T00:00:00Z', 30, 'gift')));
    ok(await a.recordPurchase(target.id, purchase('Teapot', '2025-06-01T00:00:00Z', 50)));
    before = await rowCounts(api);
    merged = ok(await a.merge(source.id, target.id));
  });

  it('returns the target', () => {
    expect(merged.id).toBe(target.id);
  });

  it('moves identities and purchases to the target', async ({ customers: a }) => {
    const channels = merged.identities.map((i: Json) => `${i.channel}:${i.value}`).sort();
    expect(channels).toEqual([
      'EMAIL:source@example.com',
      'EMAIL:target@example.com',
      'PHONE:+4930100001',
      'WECHAT:src_wx',
    ]);
    expect(merged.products.map((p: Json) => p.product)).toEqual(['Teapot', 'Kettle']);
    expect(merged.products[1]).toMatchObject({ reason: 'gift', value: 30 });
    expect((await a.byIdentity('WECHAT', 'src_wx'))?.id).toBe(target.id);
    expect((await a.byIdentity('EMAIL', 'source@example.com'))?.id).toBe(target.id);
  });

  it('keeps the target fields it has and fills blank ones from the source', () => {
    expect(merged).toMatchObject({
      name: 'Target Name',
      email: 'target@example.com',
      lifecycleStage: 'ACTIVE',
      externalId: 'src-ext',
      phone: '+4930100001',
      birthday: '1970-01-01',
      locale: 'de',
      gender: 'x',
      tier: 'A',
      tierSource: 'MANUAL',
      attributes: { hobby: 'go', pet: 'cat' },
    });
  });

  it('unions tags and special needs', () => {
    expect([...merged.tags].sort()).toEqual(['from-source', 'from-target', 'shared']);
    expect([...merged.specialNeeds].sort()).toEqual(['CHILD', 'ELDERLY']);
  });

  it('deletes the source: customer(id) is null and the list no longer has it', async ({ api, customers: a }) => {
    expect(await a.get(source.id)).toBeNull();
    const ids = (await a.list({ first: 100 })).edges.map((e) => e.node.id);
    expect(ids).toContain(target.id);
    expect(ids).not.toContain(source.id);
    expect(await rowCounts(api)).toEqual({ ...before, customers: before.customers - 1 });
  });

  it('the source is gone for every mutation too', async ({ customers: a }) => {
    expect((await a.update(source.id, { name: 'ghost' })).__typename).toBe('NotFoundError');
    expect((await a.merge(source.id, target.id)).__typename).toBe('NotFoundError');
  });

  it('the source externalId now belongs to the target', async ({ customers: a }) => {
    const result = await a.create({ externalId: 'src-ext' });
    expect(result).toMatchObject({ __typename: 'ConflictError', field: 'externalId' });
  });

  it('merging a customer into itself is a ValidationError', async ({ customers: a }) => {
    const before = await a.get(target.id);
    expect(issuePaths(await a.merge(target.id, target.id))).toEqual(['input.sourceId']);
    // The same id with its UUID in upper case names the same row: refused alike, nothing merged.
    const [typename, uuid] = Buffer.from(target.id, 'base64').toString('utf8').split(':');
    const upper = Buffer.from(`${typename}:${uuid!.toUpperCase()}`).toString('base64');
    expect(issuePaths(await a.merge(upper, target.id))).toEqual(['input.sourceId']);
    expect(await a.get(target.id)).toEqual(before);
  });

  it('merging unknown ids is NotFoundError, and changes nothing', async ({ api, customers: a }) => {
    const snapshot = await rowCounts(api);
    expect(await a.merge(unknownId, target.id)).toMatchObject({ __typename: 'NotFoundError', entity: 'Customer' });
    expect(await a.merge(target.id, unknownId)).toMatchObject({ __typename: 'NotFoundError', entity: 'Customer' });
    expect(await rowCounts(api)).toEqual(snapshot);
  });

  it("merging another organization's customer is NotFoundError", async ({ api, customers: a }) => {
    const foreign = ok(await customersOf(api.asB).create({ name: 'Foreign' }));
    expect((await a.merge(foreign.id, target.id)).__typename).toBe('NotFoundError');
    expect((await a.merge(target.id, foreign.id)).__typename).toBe('NotFoundError');
    expect(await customersOf(api.asB).get(foreign.id)).not.toBeNull();
  });

  it('a computed tier on the target yields to a manual one from the source', async ({ customers: a }) => {
    const s = ok(await a.create({ tier: 'B' }));
    const t = ok(await a.create({}));
    ok(await a.recomputeTiers());
    const m = ok(await a.merge(s.id, t.id));
    expect(m).toMatchObject({ tier: 'B', tierSource: 'MANUAL' });
  });
});

describe('eraseCustomer', () => {
  let customer: Json;
  let erased: Json;
  it.beforeAll(async ({ customers: a }) => {
    customer = ok(
      await a.create({
        externalId: 'erase-ext',
        name: 'Erin Erase',
        email: 'erin@example.com',
        phone: '+4930200002',
        birthday: '1980-08-08',
        locale: 'en-GB',
        gender: 'female',
        tier: 'A',
        lifecycleStage: 'DISSATISFIED',
        specialNeeds: ['PREGNANT'],
        tags: ['complainer'],
        attributes: { family: { husband: 'Ed' } },
        identities: [{ channel: 'WECHAT', value: 'erin_wx' }],
      }),
    );
    ok(await a.recordPurchase(customer.id, purchase('Stroller', '2025-02-02T00:00:00Z', 299.5, 'expecting a baby')));
    erased = ok(await a.erase(customer.id));
  });

  it('removes personal data and identities', () => {
    expect(erased).toMatchObject({
      id: customer.id,
      erased: true,
      externalId: null,
      name: null,
      email: null,
      phone: null,
      birthday: null,
      locale: null,
      gender: null,
      specialNeeds: [],
      tags: [],
      attributes: {},
      identities: [],
    });
  });

  it('keeps the row as a stub: customer(id) returns it with erased true', async ({ customers: a }) => {
    const stub = await a.get(customer.id);
    expect(stub).toEqual(erased);
    // What statistics need stays: tier and lifecycle stage.
    expect(stub).toMatchObject({ tier: 'A', lifecycleStage: 'DISSATISFIED' });
  });

  it('customerByIdentity no longer finds the person', async ({ customers: a }) => {
    expect(await a.byIdentity('EMAIL', 'erin@example.com')).toBeNull();
    expect(await a.byIdentity('PHONE', '+4930200002')).toBeNull();
    expect(await a.byIdentity('WECHAT', 'erin_wx')).toBeNull();
  });

  it('purchases keep product, date and value but lose reason and promises', () => {
    expect(erased.products).toEqual([
      expect.objectContaining({ product: 'Stroller', purchasedAt: '2025-02-02T00:00:00.000Z', value: 299.5, reason: null, promises: [] }),
    ]);
  });

  it('the erased customer is left out of the customers list and its count', async ({ customers: a }) => {
    const page = await a.list({ first: 100 });
    expect(page.edges.map((e) => e.node.id)).not.toContain(customer.id);
    expect(page.totalCount).toBe(page.edges.length);
  });

  it('the freed handles and externalId can be used by a new customer', async ({ customers: a }) => {
    const fresh = ok(await a.create({ externalId: 'erase-ext', email: 'erin@example.com' }));
    expect((await a.byIdentity('EMAIL', 'erin@example.com'))?.id).toBe(fresh.id);
  });

  it('refuses to change an erased customer', async ({ api, customers: a }) => {
    const snapshot = await rowCounts(api);
    expect(issuePaths(await a.update(customer.id, { name: 'Back again' }))).toEqual(['input.id']);
    expect(issuePaths(await a.addIdentity(customer.id, { channel: 'QQ', value: '1' }))).toEqual(['input.customerId']);
    expect(issuePaths(await a.recordPurchase(customer.id, { product: 'x', purchasedAt: '2026-01-01T00:00:00Z' }))).toEqual(['input.customerId']);
    expect(await rowCounts(api)).toEqual(snapshot);
    expect(await a.get(customer.id)).toEqual(erased);
  });

  it('refuses to merge an erased customer either way', async ({ customers: a }) => {
    const other = ok(await a.create({ name: 'Live' }));
    expect(issuePaths(await a.merge(customer.id, other.id))).toEqual(['input.sourceId']);
    expect(issuePaths(await a.merge(other.id, customer.id))).toEqual(['input.targetId']);
    expect(await a.get(other.id)).not.toBeNull();
  });

  it('erasing again is harmless and returns the stub', async ({ customers: a }) => {
    expect(ok(await a.erase(customer.id))).toEqual(erased);
  });

  it('an unknown or foreign id is NotFoundError', async ({ api, customers: a }) => {
    expect((await a.erase(unknownId)).__typename).toBe('NotFoundError');
    const foreign = ok(await customersOf(api.asB).create({ name: 'Foreign' }));
    expect((await a.erase(foreign.id)).__typename).toBe('NotFoundError');
    expect((await customersOf(api.asB).get(foreign.id))!.name).toBe('Foreign');
  });
});

describe('exportCustomer', () => {
  it('returns one JSON document with the customer, identities and purchases', async ({ api, customers: a }) => {
    const c = ok(
      await a.create({
        externalId: 'exp-1',
        name: 'Xavier Export',
        email: 'xavier@example.com',
        birthday: '1991-01-01',
        tags: ['t'],
        attributes: { likes: ['tea'] },
        identities: [{ channel: 'QQ', value: '777', verified: true }],
      }),
    );
    ok(await a.recordPurchase(c.id, purchase('Mug', '2025-03-03T00:00:00Z', 12.5, 'souvenir')));
    ok(await a.recordPurchase(c.id, purchase('Plate', '2025-04-04T00:00:00Z', 7)));
    const document = ok(await a.exportOne(c.id));

    expect(Date.parse(document.exportedAt)).not.toBeNaN();
    expect(document.customer).toMatchObject({
      externalId: 'exp-1',
      name: 'Xavier Export',
      email: 'xavier@example.com',
      birthday: '1991-01-01',
      tags: ['t'],
      attributes: { likes: ['tea'] },
      lifecycleStage: 'prospect',
    });
    expect(document.identities.map((i: Json) => [i.channel, i.value, i.verified]).sort()).toEqual([
      ['email', 'xavier@example.com', false],
      ['qq', '777', true],
    ]);
    expect(document.purchases.map((p: Json) => [p.product, p.value, p.reason])).toEqual([
      ['Plate', 7, null],
      ['Mug', 12.5, 'souvenir'],
    ]);
    // Internal columns that say nothing about the person stay out.
    expect(JSON.stringify(document)).not.toContain(api.orgA.id);
  });

  it('the document is plain JSON: it survives a round trip unchanged', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'Round Trip' }));
    const document = ok(await a.exportOne(c.id));
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it('of an erased customer holds only the stub', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'Gone', email: 'gone@example.com' }));
    ok(await a.erase(c.id));
    const document = ok(await a.exportOne(c.id));
    expect(document.customer).toMatchObject({ name: null, email: null });
    expect(document.identities).toEqual([]);
  });

  it('an unknown or foreign id is NotFoundError', async ({ api, customers: a }) => {
    expect((await a.exportOne(unknownId)).__typename).toBe('NotFoundError');
    const foreign = ok(await customersOf(api.asB).create({ name: 'Foreign' }));
    expect((await a.exportOne(foreign.id)).__typename).toBe('NotFoundError');
  });

  it('needs only the read scope', async ({ api, customers: a }) => {
    const c = ok(await a.create({ name: 'Readable' }));
    const response = await api.asA.gql(`mutation { createApiKey(input: { name: "reader", scopes: [READ] }) { ... on MutationCreateApiKeySuccess { data { key } } } }`);
    const reader = customersOf(api.withKey(dataOf(response).createApiKey.data.key));
    expect(ok(await reader.exportOne(c.id)).customer.name).toBe('Readable');
  });
});
