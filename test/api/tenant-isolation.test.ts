/// <reference types="vite/client" />
import { describe, expect } from 'vitest';
import { schema } from '../../server/schema.ts';
import { dataOf, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import type { IsolationDomain } from '../helpers/isolation.ts';

/**
 * Org B's key (or B's site key) is pointed at org A's rows through every root query and
 * mutation. Each domain brings its cases (test/api/isolation/*.isolation.ts); together they must
 * name every root field, so a new field cannot ship without its isolation check.
 */
const domains = Object.values(
  import.meta.glob<{ domain: IsolationDomain }>('./isolation/*.isolation.ts', { eager: true }),
).map((module) => module.domain);

const fixtures = new Map<IsolationDomain, Record<string, string>>();
const snapshots = new Map<IsolationDomain, string>();
const snapshot = async (api: TestApi, domain: IsolationDomain) => JSON.stringify(dataOf(await api.asA.gql(domain.snapshotQuery)));

// On the file's API (test/helpers/fixtures.ts).
it.beforeAll(async ({ api }) => {
  for (const domain of domains) fixtures.set(domain, await domain.setup(api));
  for (const domain of domains) snapshots.set(domain, await snapshot(api, domain));
});

it('has an isolation case for every root query and mutation', () => {
  const named = (pick: (d: IsolationDomain) => Record<string, unknown>) => domains.flatMap((d) => Object.keys(pick(d))).sort();
  expect(named((d) => d.queries)).toEqual(Object.keys(schema.getQueryType()!.getFields()).sort());
  expect(named((d) => d.mutations)).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
});

for (const domain of domains) {
  describe(domain.name, () => {
    for (const [root, cases] of [['Query', domain.queries], ['Mutation', domain.mutations]] as const) {
      for (const [field, attempt] of Object.entries(cases)) {
        it(`${root}.${field} with org B's credentials neither shows nor changes org A's rows`, async ({ api }) => {
          await attempt(api, fixtures.get(domain)!);
          for (const d of domains) expect(await snapshot(api, d), `${d.name} changed`).toBe(snapshots.get(d));
        });
      }
    }
  });
}
