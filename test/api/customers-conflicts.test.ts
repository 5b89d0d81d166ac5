import { describe, expect } from 'vitest';
import type { TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { customersOf, ok, rowCounts, type CustomersApi, type Json } from './customers-fixtures.ts';

let holder: Json;
it.beforeAll(async ({ customers: a }) => {
  holder = ok(
    await a.create({
      externalId: 'held-ext',
      email: 'held@example.com',
      phone: '+4930999999',
      identities: [{ channel: 'WECHAT', value: 'held_wx' }],
    }),
  );
});

/** Runs `attempt`, expects a ConflictError on `field`, and checks no row changed anywhere. */
async function expectConflict(api: TestApi, field: string, attempt: () => Promise<Json>) {
  const a = customersOf(api.asA);
  const before = await rowCounts(api);
  const holderBefore = await a.get(holder.id);
  const result = await attempt();
  expect(result.__typename, JSON.stringify(result)).toBe('ConflictError');
  expect(result.field).toBe(field);
  expect(result.message).not.toBe('');
  expect(await rowCounts(api)).toEqual(before);
  expect(await a.get(holder.id)).toEqual(holderBefore);
  return result;
}

describe('createCustomer conflicts', () => {
  it('a duplicate externalId', async ({ api, customers: a }) => {
    await expectConflict(api, 'externalId', () => a.create({ externalId: 'held-ext', name: 'Dup' }));
  });

  it('an email held by another customer, in any spelling', async ({ api, customers: a }) => {
    await expectConflict(api, 'email', () => a.create({ email: 'HELD@example.com ', name: 'Dup' }));
  });

  it('a phone held by another customer', async ({ api, customers: a }) => {
    await expectConflict(api, 'phone', () => a.create({ phone: '+49 30 999999', name: 'Dup' }));
  });

  it('a further identity held by another customer; earlier ones are not written either', async ({ api, customers: a }) => {
    await expectConflict(api, 'identities.1', () =>
      a.create({
        name: 'Dup',
        email: 'fresh-create@example.com',
        identities: [
          { channel: 'QQ', value: 'fresh-qq' },
          { channel: 'WECHAT', value: 'held_wx' },
        ],
      }),
    );
    expect(await a.byIdentity('EMAIL', 'fresh-create@example.com')).toBeNull();
    expect(await a.byIdentity('QQ', 'fresh-qq')).toBeNull();
  });

  it('the same externalId may exist in another organization', async ({ api }) => {
    const other = ok(await customersOf(api.asB).create({ externalId: 'held-ext', email: 'held@example.com' }));
    expect(other.externalId).toBe('held-ext');
  });
});

describe('updateCustomer conflicts', () => {
  let other: Json;
  it.beforeAll(async ({ customers: a }) => {
    other = ok(await a.create({ externalId: 'other-ext', email: 'other@example.com', phone: '+4930888888', name: 'Other' }));
  });

  const otherUnchanged = async (a: CustomersApi) => expect(await a.get(other.id)).toMatchObject({
    externalId: 'other-ext',
    email: 'other@example.com',
    phone: '+4930888888',
    name: 'Other',
  });

  it('a duplicate externalId leaves the other fields unchanged', async ({ api, customers: a }) => {
    await expectConflict(api, 'externalId', () => a.update(other.id, { externalId: 'held-ext', name: 'Renamed' }));
    await otherUnchanged(a);
  });

  it('an email held by another customer leaves the old email and its identity in place', async ({ api, customers: a }) => {
    await expectConflict(api, 'email', () => a.update(other.id, { email: 'held@example.com', name: 'Renamed' }));
    await otherUnchanged(a);
    expect((await a.byIdentity('EMAIL', 'other@example.com'))?.id).toBe(other.id);
  });

  it('a phone held by another customer, after a valid email change in the same input, writes neither', async ({ api, customers: a }) => {
    await expectConflict(api, 'phone', () => a.update(other.id, { email: 'moved@example.com', phone: '+4930999999' }));
    await otherUnchanged(a);
    expect(await a.byIdentity('EMAIL', 'moved@example.com')).toBeNull();
  });

  it('keeping its own externalId and email is no conflict', async ({ customers: a }) => {
    const updated = ok(await a.update(other.id, { externalId: 'other-ext', email: 'Other@Example.com' }));
    expect(updated).toMatchObject({ externalId: 'other-ext', email: 'other@example.com' });
  });
});

describe('addCustomerIdentity conflicts', () => {
  it('an identity held by another customer', async ({ api, customers: a }) => {
    const c = ok(await a.create({ name: 'Adder' }));
    await expectConflict(api, 'value', () => a.addIdentity(c.id, { channel: 'WECHAT', value: ' held_wx ' }));
    await expectConflict(api, 'value', () => a.addIdentity(c.id, { channel: 'EMAIL', value: 'Held@Example.com' }));
    expect((await a.get(c.id))!.identities).toEqual([]);
  });

  it('the same value on another channel is no conflict', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'Other channel' }));
    const updated = ok(await a.addIdentity(c.id, { channel: 'QQ', value: 'held_wx' }));
    expect(updated.identities.map((i: Json) => i.channel)).toEqual(['QQ']);
  });
});

describe('every mutation is one transaction', () => {
  it('createCustomer whose second identity conflicts leaves no customer row behind', async ({ api, customers: a }) => {
    const before = await rowCounts(api);
    const result = await a.create({
      externalId: 'never-written',
      name: 'Half',
      identities: [
        { channel: 'WEB', value: 'half-web' },
        { channel: 'EMAIL', value: 'held@example.com' },
      ],
    });
    expect(result.__typename).toBe('ConflictError');
    expect(await rowCounts(api)).toEqual(before);
    // The externalId it tried to take is still free.
    expect(ok(await a.create({ externalId: 'never-written' })).externalId).toBe('never-written');
  });

  it('a refused mergeCustomers (into an erased customer) moves nothing', async ({ api, customers: a }) => {
    const source = ok(await a.create({ name: 'Source', email: 'merge-src@example.com' }));
    ok(await a.recordPurchase(source.id, { product: 'Lamp', purchasedAt: '2026-01-01T00:00:00Z', value: 5 }));
    const target = ok(await a.create({ name: 'Erased target' }));
    ok(await a.erase(target.id));
    const before = await rowCounts(api);
    const sourceBefore = await a.get(source.id);
    expect((await a.merge(source.id, target.id)).__typename).toBe('ValidationError');
    expect(await rowCounts(api)).toEqual(before);
    expect(await a.get(source.id)).toEqual(sourceBefore);
  });
});

describe('mergeCustomers within the input limits', () => {
  /** Merging must not store a profile no update could: refused whole, nothing moved. */
  async function expectRefusedMerge(api: TestApi, source: Json, target: Json, message: RegExp) {
    const a = customersOf(api.asA);
    const before = await rowCounts(api);
    const [sourceBefore, targetBefore] = [await a.get(source.id), await a.get(target.id)];
    const result = await a.merge(source.id, target.id);
    expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
    expect(result.issues).toEqual([{ path: ['input', 'sourceId'], message: expect.stringMatching(message) }]);
    expect(await rowCounts(api)).toEqual(before);
    expect(await a.get(source.id)).toEqual(sourceBefore);
    expect(await a.get(target.id)).toEqual(targetBefore);
  }

  it('refuses a merge whose tags together pass 50', async ({ api, customers: a }) => {
    const tags = (prefix: string) => Array.from({ length: 30 }, (_, i) => `${prefix}-${i}`);
    const source = ok(await a.create({ name: 'Tagged source', tags: tags('s') }));
    ok(await a.recordPurchase(source.id, { product: 'Lamp', purchasedAt: '2026-01-01T00:00:00Z', value: 5 }));
    const target = ok(await a.create({ name: 'Tagged target', tags: tags('t') }));
    await expectRefusedMerge(api, source, target, /60 tags, more than 50/);
  });

  it('refuses a merge whose attributes together pass 16 KB', async ({ api, customers: a }) => {
    const source = ok(await a.create({ name: 'Big source', attributes: { notes: 'x'.repeat(9_000) } }));
    const target = ok(await a.create({ name: 'Big target', attributes: { history: 'y'.repeat(9_000) } }));
    await expectRefusedMerge(api, source, target, /bytes of JSON, more than 16384/);
  });

  it('merges shared tags once, so overlapping lists within the limit pass', async ({ customers: a }) => {
    const tags = Array.from({ length: 40 }, (_, i) => `shared-${i}`);
    const source = ok(await a.create({ name: 'Overlap source', tags: [...tags, 'only-source'] }));
    const target = ok(await a.create({ name: 'Overlap target', tags: [...tags, 'only-target'] }));
    const merged = ok(await a.merge(source.id, target.id));
    expect(merged.tags).toHaveLength(42);
  });
});

describe('concurrent writers', () => {
  it('of one email: one wins, the others get a ConflictError on email', async ({ customers: a }) => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => a.create({ name: `Racer ${i}`, email: 'race@example.com' })),
    );
    const kinds = results.map((r) => (r.__typename === 'ConflictError' ? `Conflict:${r.field}` : r.__typename));
    expect(kinds.filter((k) => k === 'MutationCreateCustomerSuccess')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'Conflict:email')).toHaveLength(5);
    expect((await a.list({ first: 50, filter: { search: 'Racer' } })).totalCount).toBe(1);
  });

  it('of one externalId: one wins, the others get a ConflictError on externalId', async ({ customers: a }) => {
    const results = await Promise.all(Array.from({ length: 6 }, () => a.create({ externalId: 'race-ext' })));
    const kinds = results.map((r) => (r.__typename === 'ConflictError' ? `Conflict:${r.field}` : r.__typename));
    expect(kinds.filter((k) => k === 'MutationCreateCustomerSuccess')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'Conflict:externalId')).toHaveLength(5);
  });

  it('adding one identity to several customers: one wins, the others get a ConflictError on value', async ({ customers: a }) => {
    const racers = await Promise.all(Array.from({ length: 4 }, () => a.create({})));
    const results = await Promise.all(racers.map((c) => a.addIdentity(ok(c).id, { channel: 'WEB', value: 'race-web' })));
    const kinds = results.map((r) => (r.__typename === 'ConflictError' ? `Conflict:${r.field}` : r.__typename));
    expect(kinds.filter((k) => k === 'MutationAddCustomerIdentitySuccess')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'Conflict:value')).toHaveLength(3);
  });

  it('opposite merges of the same pair: one wins, the other finds its source gone', async ({ customers: a }) => {
    const x = ok(await a.create({ name: 'X', email: 'x-merge@example.com' }));
    const y = ok(await a.create({ name: 'Y', email: 'y-merge@example.com' }));
    const [xy, yx] = await Promise.all([a.merge(x.id, y.id), a.merge(y.id, x.id)]);
    const kinds = [xy.__typename, yx.__typename].sort();
    expect(kinds).toEqual(['MutationMergeCustomersSuccess', 'NotFoundError']);
    const survivor = xy.__typename === 'NotFoundError' ? yx.data : xy.data;
    expect(survivor.identities.map((i: Json) => i.value).sort()).toEqual(['x-merge@example.com', 'y-merge@example.com']);
  });
});
