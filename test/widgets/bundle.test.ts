import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, inject, it } from 'vitest';
import { widgetsBundle, widgetsDir } from '../../scripts/build-widgets.ts';
import { persistedOperations } from '../../server/http/persisted-operations.ts';

/** The whole careloop.js (four elements, Lit, translations, queue), minified and gzip -9; careloop.mjs too. */
export const SIZE_BUDGET_BYTES = 15_000;

const gzipSize = (file: string) => gzipSync(readFileSync(join(widgetsDir, file)), { level: 9 }).length;

it('checks a bundle built by this test run (test/widgets/global-setup.ts), never a stale one', () => {
  // At least as new as this run's build (a test run started meanwhile may have rebuilt it).
  for (const file of ['careloop.js', 'careloop.mjs']) {
    expect(statSync(join(widgetsDir, file)).mtimeMs).toBeGreaterThanOrEqual(inject('widgetBundleBuiltAt'));
  }
});

it.each(['careloop.js', 'careloop.mjs'])(`%s stays within ${SIZE_BUDGET_BYTES} bytes min+gzip -9`, (file) => {
  const size = gzipSize(file);
  console.log(`${file}: ${size} bytes gzip -9`);
  expect(size).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
});

it('minifies careloop.mjs as fully as careloop.js (vite leaves an ES library build unminified by default)', () => {
  const code = readFileSync(join(widgetsDir, 'careloop.mjs'), 'utf8');
  // The unminified ES build has one tab-indented statement per line (~950 lines) and
  // /*@__PURE__*/ annotations; the Lit templates' own indentation uses spaces.
  expect(code.match(/^\t/gm) ?? [], 'tab-indented lines: careloop.mjs is not minified').toEqual([]);
  expect(code).not.toMatch(/\/\*\s*[@#]__PURE__\s*\*\//);
  expect(code.split('\n').length).toBeLessThanOrEqual(readFileSync(widgetsBundle, 'utf8').split('\n').length + 5);
  // Same code, other wrapper: the unminified one was 7.7 % larger gzipped.
  expect(gzipSize('careloop.mjs')).toBeLessThanOrEqual(gzipSize('careloop.js') * 1.02);
});

it('carries operation hashes, not documents, and nothing a strict CSP forbids', () => {
  for (const file of ['careloop.js', 'careloop.mjs']) {
    const code = readFileSync(join(widgetsDir, file), 'utf8');
    for (const operation of persistedOperations.values()) {
      expect(code).toContain(operation.hash);
      expect(code).not.toContain('MutationFileComplaintSuccess');
    }
    expect(code).not.toMatch(/\beval\(|new Function\(|unsafeHTML|Lit is in dev mode/);
  }
});
