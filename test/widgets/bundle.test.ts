import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, inject, it } from 'vitest';
import { widgetsBundle, widgetsDir } from '../../scripts/build-widgets.ts';
import { persistedOperations } from '../../server/http/persisted-operations.ts';

/** The whole careloop.js (three elements, Lit, translations, queue), minified and gzip -9. */
export const SIZE_BUDGET_BYTES = 15_000;

it('checks a bundle built by this test run (test/widgets/global-setup.ts), never a stale one', () => {
  // At least as new as this run's build (a test run started meanwhile may have rebuilt it).
  expect(statSync(widgetsBundle).mtimeMs).toBeGreaterThanOrEqual(inject('widgetBundleBuiltAt'));
});

it(`careloop.js stays within ${SIZE_BUDGET_BYTES} bytes min+gzip -9`, () => {
  const size = gzipSync(readFileSync(widgetsBundle), { level: 9 }).length;
  console.log(`careloop.js: ${size} bytes gzip -9`);
  expect(size).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
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
