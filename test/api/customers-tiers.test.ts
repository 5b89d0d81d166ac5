import { describe, expect } from 'vitest';
import { test as it } from '../helpers/fixtures.ts';
import { customersOf, ok, type CustomersApi, type Json } from './customers-fixtures.ts';

/** Ten customers; customer i has purchases worth (i + 1) * 100 in total. */
const ranked: Json[] = [];
let manual: Json;
let erased: Json;
// On the file's API and org A's customers (test/helpers/fixtures.ts).
it.beforeAll(async ({ api, customers: a }) => {
  for (let i = 0; i < 10; i++) {
    const c = ok(await a.create({ name: `Value ${i}` }));
    const total = (i + 1) * 100;
    // Split in two purchases so the tier is computed from the sum, not the largest purchase.
    ok(await a.recordPurchase(c.id, { product: 'Part 1', purchasedAt: '2025-01-01T00:00:00Z', value: total - 1 }));
    ok(await a.recordPurchase(c.id, { product: 'Part 2', purchasedAt: '2025-02-01T00:00:00Z', value: 1 }));
    ranked.push(c);
  }
  // A manual C with the highest value of all, and an erased stub: both are left alone.
  manual = ok(await a.create({ name: 'Manual', tier: 'C' }));
  ok(await a.recordPurchase(manual.id, { product: 'Yacht', purchasedAt: '2025-03-01T00:00:00Z', value: 1_000_000 }));
  erased = ok(await a.create({ name: 'Erased' }));
  ok(await a.recordPurchase(erased.id, { product: 'Car', purchasedAt: '2025-03-01T00:00:00Z', value: 50_000 }));
  ok(await a.erase(erased.id));
  // Another organization's customers neither count nor change.
  ok(await customersOf(api.asB).create({ name: 'Other org' }));
});

const tierOf = async (a: CustomersApi, c: Json) => {
  const row = (await a.get(c.id))!;
  return `${row.tier}/${row.tierSource}`;
};

describe('recomputeTiers', () => {
  let counts: Json;
  it.beforeAll(async ({ customers: a }) => {
    counts = ok(await a.recomputeTiers());
  });

  it('puts the top 20% by purchase value in A, the next 30% in B, the rest in C', async ({ customers: a }) => {
    expect(counts).toEqual({ a: 2, b: 3, c: 5 });
    const tiers = await Promise.all(ranked.map((c) => tierOf(a, c)));
    expect(tiers).toEqual([
      'C/COMPUTED', 'C/COMPUTED', 'C/COMPUTED', 'C/COMPUTED', 'C/COMPUTED',
      'B/COMPUTED', 'B/COMPUTED', 'B/COMPUTED',
      'A/COMPUTED', 'A/COMPUTED',
    ]);
  });

  it('leaves a manual tier alone', async ({ customers: a }) => {
    expect(await tierOf(a, manual)).toBe('C/MANUAL');
  });

  it('leaves erased customers alone', async ({ customers: a }) => {
    expect(await tierOf(a, erased)).toBe('null/null');
  });

  it('leaves other organizations alone', async ({ api }) => {
    const other = (await customersOf(api.asB).list({ first: 5 })).edges[0]!.node;
    expect(other.tier).toBeNull();
  });

  it('is stable: running it again gives the same tiers', async ({ customers: a }) => {
    expect(ok(await a.recomputeTiers())).toEqual({ a: 2, b: 3, c: 5 });
    expect(await tierOf(a, ranked[9]!)).toBe('A/COMPUTED');
  });

  it('the customers list filters by the computed tier', async ({ customers: a }) => {
    const page = await a.list({ first: 50, filter: { tier: 'A' } });
    expect(page.edges.map((e) => e.node.name).sort()).toEqual(['Value 8', 'Value 9']);
  });

  it('setting a tier by hand makes it manual, and recomputeTiers then keeps it', async ({ customers: a }) => {
    const top = ranked[9]!;
    expect(ok(await a.update(top.id, { tier: 'C' }))).toMatchObject({ tier: 'C', tierSource: 'MANUAL' });
    // Nine computed customers now: ceil(1.8) = 2 A, ceil(4.5) - 2 = 3 B, 4 C.
    expect(ok(await a.recomputeTiers())).toEqual({ a: 2, b: 3, c: 4 });
    expect(await tierOf(a, top)).toBe('C/MANUAL');
    expect(await tierOf(a, ranked[8]!)).toBe('A/COMPUTED');
    expect(await tierOf(a, ranked[7]!)).toBe('A/COMPUTED');
  });

  it('setting the tier to null hands it back to computation', async ({ customers: a }) => {
    const top = ranked[9]!;
    expect(ok(await a.update(top.id, { tier: null }))).toMatchObject({ tier: null, tierSource: null });
    expect(ok(await a.recomputeTiers())).toEqual({ a: 2, b: 3, c: 5 });
    expect(await tierOf(a, top)).toBe('A/COMPUTED');
    expect(await tierOf(a, ranked[7]!)).toBe('B/COMPUTED');
  });

  it('a new purchase can move a customer up', async ({ customers: a }) => {
    ok(await a.recordPurchase(ranked[0]!.id, { product: 'Big', purchasedAt: '2025-05-01T00:00:00Z', value: 5_000 }));
    ok(await a.recomputeTiers());
    expect(await tierOf(a, ranked[0]!)).toBe('A/COMPUTED');
    expect(await tierOf(a, ranked[8]!)).toBe('B/COMPUTED');
  });

  it('customers without purchases count as value 0', async ({ customers: a }) => {
    const newcomer = ok(await a.create({ name: 'Newcomer' }));
    const result = ok(await a.recomputeTiers());
    expect(result.a + result.b + result.c).toBe(11);
    expect(await tierOf(a, newcomer)).toBe('C/COMPUTED');
  });
});

describe('recomputeTiers on an organization without customers', () => {
  it('returns zero counts', async ({ newOrg }) => {
    expect(ok(await customersOf(newOrg.as).recomputeTiers())).toEqual({ a: 0, b: 0, c: 0 });
  });
});
