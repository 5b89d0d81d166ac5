import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { catalogue } from '../../server/events/catalogue.ts';

// The README's "Domain events" table is the catalogue for people: it must list exactly the types
// the code records, each with the code's aggregate and visibility, so the two cannot drift.
it("the README's event table lists every catalogue type with its aggregate and visibility, and nothing else", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const rows = readme
    .split('\n')
    .map((line) => /^\| `([a-z_]+\.[a-z_]+)` \| ([a-z_]+) \| ([a-z]+) \|/.exec(line))
    .filter((match) => match !== null)
    .map(([, type, aggregate, visibility]) => ({ type, aggregate, visibility }));
  const expected = Object.entries(catalogue).map(([type, e]) => ({ type, aggregate: e.aggregate, visibility: e.visibility }));
  expect(rows.length).toBeGreaterThan(0);
  expect([...rows].sort((x, y) => x.type.localeCompare(y.type))).toEqual(expected.sort((x, y) => x.type.localeCompare(y.type)));
});
