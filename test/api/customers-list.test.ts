import { describe, expect } from 'vitest';
import { dataOf } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { customersOf, ok, type Json } from './customers-fixtures.ts';

const ids: string[] = [];
it.beforeAll(async ({ api, customers: a }) => {
  // 25 customers: every 5th is tier A, tags alternate, a few with names that contain % and _.
  for (let i = 0; i < 25; i++) {
    const c = ok(
      await a.create({
        name: `Person ${String(i).padStart(2, '0')}`,
        email: `person${i}@example.com`,
        phone: `+491700000${String(i).padStart(3, '0')}`,
        tier: i % 5 === 0 ? 'A' : undefined,
        lifecycleStage: i % 3 === 0 ? 'LAPSED' : 'ACTIVE',
        tags: i % 2 === 0 ? ['even', 'all'] : ['odd', 'all'],
      }),
    );
    ids.push(c.id);
    // Newest first is by the clock, which stands still until moved.
    api.clock.advance(1000);
  }
  for (const name of ['100% Cotton Ltd', '100x Cotton Ltd', 'snake_case', 'snakeXcase', 'Back\\slash']) {
    ok(await a.create({ name, tags: ['special'] }));
  }
  // Org B's customers must never show up in org A's list or count.
  const b = customersOf(api.asB);
  for (let i = 0; i < 3; i++) ok(await b.create({ name: `Person B${i}`, tier: 'A', tags: ['all'] }));
});

const names = (page: { edges: { node: Json }[] }): string[] => page.edges.map((e) => e.node.name).sort();

describe('customers connection', () => {
  it('pages by 10 through every row exactly once, newest first, with totalCount', async ({ customers: a }) => {
    const filter = { tag: 'all' };
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await a.list({ first: 10, after, filter });
      expect(page.totalCount).toBe(25);
      seen.push(...page.edges.map((e) => e.node.id));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
      expect(pages).toBeLessThan(5);
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen).toEqual([...ids].reverse());
  });

  it('pages backwards with last/before through every row exactly once', async ({ api }) => {
    const query = `query($before: String) {
      customers(last: 10, before: $before, filter: { tag: "all" }) {
        pageInfo { hasPreviousPage startCursor } edges { node { id } } } }`;
    const seen: string[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < 5; pages++) {
      const page = dataOf(await api.asA.gql(query, { before })).customers;
      seen.unshift(...page.edges.map((e: Json) => e.node.id));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('each edge cursor resumes right after that edge', async ({ customers: a }) => {
    const first = await a.list({ first: 5, filter: { tag: 'all' } });
    const fromThird = await a.list({ first: 2, after: first.edges[2]!.cursor, filter: { tag: 'all' } });
    expect(fromThird.edges.map((e) => e.node.id)).toEqual(first.edges.slice(3, 5).map((e) => e.node.id));
  });

  it('counts only this organization and leaves erased customers out', async ({ api, customers: a }) => {
    const all = await a.list({ first: 100 });
    expect(all.totalCount).toBe(30);
    expect(all.edges).toHaveLength(30);
    expect(all.edges.some((e) => e.node.name.startsWith('Person B'))).toBe(false);
    expect((await customersOf(api.asB).list({ first: 100 })).totalCount).toBe(3);
  });

  it('filters by tier', async ({ customers: a }) => {
    const page = await a.list({ first: 50, filter: { tier: 'A' } });
    expect(page.totalCount).toBe(5);
    expect(names(page)).toEqual(['Person 00', 'Person 05', 'Person 10', 'Person 15', 'Person 20']);
  });

  it('filters by lifecycle stage', async ({ customers: a }) => {
    const page = await a.list({ first: 50, filter: { lifecycleStage: 'LAPSED' } });
    expect(page.totalCount).toBe(9);
    expect(page.edges.every((e) => e.node.lifecycleStage === 'LAPSED')).toBe(true);
  });

  it('filters by tag', async ({ customers: a }) => {
    const odd = await a.list({ first: 50, filter: { tag: ' odd ' } });
    expect(odd.totalCount).toBe(12);
    expect(odd.edges.every((e) => e.node.tags.includes('odd'))).toBe(true);
    expect((await a.list({ first: 50, filter: { tag: 'nope' } })).totalCount).toBe(0);
  });

  it('combines filters', async ({ customers: a }) => {
    const page = await a.list({ first: 50, filter: { tier: 'A', tag: 'even', lifecycleStage: 'LAPSED' } });
    // i in {0, 10, 20} are A and even; of those 0 is a multiple of 3.
    expect(names(page)).toEqual(['Person 00']);
    expect(page.totalCount).toBe(1);
  });
});

describe('search', () => {
  it('matches a name substring, case-insensitively', async ({ customers: a }) => {
    const page = await a.list({ first: 50, filter: { search: 'person 1' } });
    expect(names(page)).toEqual(['Person 10', 'Person 11', 'Person 12', 'Person 13', 'Person 14', 'Person 15', 'Person 16', 'Person 17', 'Person 18', 'Person 19']);
    expect(page.totalCount).toBe(10);
  });

  it('matches an email substring, case-insensitively', async ({ customers: a }) => {
    const page = await a.list({ first: 50, filter: { search: 'PERSON7@EXAMPLE' } });
    expect(names(page)).toEqual(['Person 07']);
  });

  it('matches a phone substring', async ({ customers: a }) => {
    const page = await a.list({ first: 50, filter: { search: '0000024' } });
    expect(names(page)).toEqual(['Person 24']);
  });

  it('matches a phone written with spaces or dashes', async ({ customers: a }) => {
    expect(names(await a.list({ first: 50, filter: { search: '+49 170-0000 024' } }))).toEqual(['Person 24']);
  });

  it('treats % and _ literally', async ({ customers: a }) => {
    expect(names(await a.list({ first: 50, filter: { search: '100%' } }))).toEqual(['100% Cotton Ltd']);
    expect(names(await a.list({ first: 50, filter: { search: 'snake_' } }))).toEqual(['snake_case']);
    expect((await a.list({ first: 50, filter: { search: '%' } })).totalCount).toBe(1);
    expect((await a.list({ first: 50, filter: { search: '_' } })).totalCount).toBe(1);
    expect(names(await a.list({ first: 50, filter: { search: 'k\\s' } }))).toEqual(['Back\\slash']);
  });

  it('ignores surrounding spaces and an empty search', async ({ customers: a }) => {
    expect(names(await a.list({ first: 50, filter: { search: '  snake_case ' } }))).toEqual(['snake_case']);
    expect((await a.list({ first: 50, filter: { search: '  ' } })).totalCount).toBe(30);
  });

  it('does not find erased customers', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'Erase Searchme', email: 'searchme@example.com' }));
    expect((await a.list({ first: 5, filter: { search: 'searchme' } })).totalCount).toBe(1);
    ok(await a.erase(c.id));
    const page = await a.list({ first: 5, filter: { search: 'searchme' } });
    expect(page.totalCount).toBe(0);
    expect((await a.list({ first: 100 })).totalCount).toBe(30);
  });
});

describe('connection arguments', () => {
  it('a malformed cursor is BAD_USER_INPUT, not an unexpected error', async ({ api }) => {
    const response = await api.asA.gql(`{ customers(first: 2, after: "not-a-cursor") { edges { cursor } } }`);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a negative first is BAD_USER_INPUT', async ({ api }) => {
    const response = await api.asA.gql(`{ customers(first: -1) { edges { cursor } } }`);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a page larger than 100 is refused with BAD_USER_INPUT instead of cut short', async ({ api, customers: a }) => {
    for (const query of [`{ customers(first: 101) { edges { cursor } } }`, `{ customers(last: 101) { edges { cursor } } }`]) {
      const response = await api.asA.gql(query);
      expect(response.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
    }
    expect((await a.list({ first: 100 })).edges.length).toBeGreaterThan(0);
  });

  it('a search longer than 200 characters is BAD_USER_INPUT naming the field', async ({ api }) => {
    const response = await api.asA.gql(`query($s: String) { customers(first: 2, filter: { search: $s }) { totalCount edges { cursor } } }`, {
      s: 'x'.repeat(201),
    });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toContain('filter.search');
  });
});
