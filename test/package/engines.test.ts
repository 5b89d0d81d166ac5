import { readFileSync } from 'node:fs';
import semver from 'semver';
import { expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8'));
const supported: string = pkg.engines.node;

/** engines.node of a lock entry: an object in most packages, an array of "node >=x" strings in old ones. */
function nodeRange(engines: unknown): string | undefined {
  if (Array.isArray(engines)) return engines.find((e: string) => /^node\b/.test(e))?.replace(/^node\s*/, '');
  if (engines && typeof engines === 'object') return (engines as { node?: string }).node;
  return undefined;
}

it('package.json engines admits the Node versions CI runs (20.19, 24) and the one running now', () => {
  for (const version of ['20.19.0', '24.0.0', process.versions.node]) {
    expect(semver.satisfies(version, supported), `${version} in ${supported}`).toBe(true);
  }
});

it('every locked package supports every Node that package.json engines admits (npm would warn EBADENGINE)', () => {
  const narrower = Object.entries(lock.packages as Record<string, { engines?: unknown }>)
    .filter(([path]) => path !== '')
    .flatMap(([path, entry]) => {
      const range = nodeRange(entry.engines);
      return range && !semver.subset(supported, range) ? [`${path} wants node ${range}`] : [];
    });
  // On a failure: pin an older version with package.json "overrides" (see @graphql-tools there), or narrow engines.
  expect(narrower).toEqual([]);
});
