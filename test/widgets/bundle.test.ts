import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, inject, it } from 'vitest';
import { widgetsDir } from '../../scripts/build-widgets.ts';
import { persistedOperations } from '../../server/http/persisted-operations.ts';

/**
 * Budgets, min+gzip -9, per file as a browser fetches them (README, "Widgets"): the loader; a
 * page with only <careloop-did-this-solve> (the loader, the common chunk, its own); a page with
 * every element. An en page: a zh-CN page fetches the zh-CN chunks besides (logged below).
 */
export const LOADER_BUDGET = 2_000;
export const DID_THIS_SOLVE_PAGE_BUDGET = 9_000;
export const ALL_ELEMENTS_BUDGET = 15_000;

const read = (file: string) => readFileSync(join(widgetsDir, file), 'utf8');
const gzipSize = (file: string) => gzipSync(readFileSync(join(widgetsDir, file)), { level: 9 }).length;
const files = () => readdirSync(widgetsDir).filter((file) => file.endsWith('.js') || file.endsWith('.mjs'));

/** The chunk the loader fetches for a tag. */
function chunkOf(tag: string): string {
  const name = tag.replace(/^careloop-/, '');
  const found = new RegExp(`["'\`]?${name}["'\`]?:\\(\\)=>import\\(\`\\./([^\`]+)\`\\)`).exec(read('careloop.mjs'));
  if (!found) throw new Error(`the loader names no chunk for <${tag}>`);
  return found[1]!;
}

/** A chunk and every chunk it imports statically, as the browser fetches them before it runs. */
function withImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, imported] of read(file).matchAll(/\bimport\s*(?:\{[^}]*\}\s*from\s*)?["'`]\.\/([^"'`]+)["'`]/g)) withImports(imported!, seen);
  return seen;
}

const pageSize = (tags: string[]) => {
  const fetched = new Set(['careloop.js']);
  for (const tag of tags) for (const file of withImports(chunkOf(tag))) fetched.add(file);
  return { files: [...fetched], bytes: [...fetched].reduce((sum, file) => sum + gzipSize(file), 0) };
};

const ELEMENTS = ['careloop-did-this-solve', 'careloop-survey', 'careloop-complaint-form', 'careloop-complaint-tracker'];

it('checks a build made by this test run (test/widgets/global-setup.ts), never a stale one', () => {
  for (const file of files()) expect(statSync(join(widgetsDir, file)).mtimeMs).toBeGreaterThanOrEqual(inject('widgetBundleBuiltAt'));
});

it(`the loader (careloop.js, careloop.mjs) stays within ${LOADER_BUDGET} bytes, and is the same code in both`, () => {
  for (const file of ['careloop.js', 'careloop.mjs']) {
    console.log(`${file}: ${gzipSize(file)} B`);
    expect(gzipSize(file)).toBeLessThanOrEqual(LOADER_BUDGET);
  }
  // careloop.js resolves the chunks against its own URL (a classic script from another origin cannot use relative import()).
  const classic = `(()=>{let _careloop=document.currentScript.src;${read('careloop.mjs').trim().replace(/\bimport\((`[^`]+`)\)/g, 'import(new URL($1,_careloop))')}})();`;
  expect(read('careloop.js')).toBe(classic);
});

it(`a page with only <careloop-did-this-solve> fetches at most ${DID_THIS_SOLVE_PAGE_BUDGET} bytes; one with every element at most ${ALL_ELEMENTS_BUDGET}`, () => {
  for (const file of files()) console.log(`${file}: ${gzipSize(file)} B`);
  const only = pageSize(['careloop-did-this-solve']);
  const all = pageSize(ELEMENTS);
  const zh = files().filter((file) => file.startsWith('zh-CN.'));
  const zhBytes = zh.reduce((sum, file) => sum + gzipSize(file), 0);
  console.log(`did-this-solve page: ${only.bytes} B (${only.files.join(', ')}); every element: ${all.bytes} B; zh-CN chunks: ${zhBytes} B more`);
  expect(only.files).toHaveLength(3);
  expect(only.bytes).toBeLessThanOrEqual(DID_THIS_SOLVE_PAGE_BUDGET);
  expect(all.bytes).toBeLessThanOrEqual(ALL_ELEMENTS_BUDGET);
});

it('every chunk is minified, carries operation hashes rather than documents, and nothing a strict CSP forbids', () => {
  const code = files().map(read).join('\n');
  for (const operation of persistedOperations.values()) expect(code).toContain(operation.hash);
  for (const file of files()) {
    const text = read(file);
    // The unminified ES build has one tab-indented statement per line and /*@__PURE__*/ annotations.
    expect(text.match(/^\t/gm) ?? [], `${file} is not minified`).toEqual([]);
    expect(text).not.toMatch(/\/\*\s*[@#]__PURE__\s*\*\//);
    expect(text).not.toContain('MutationFileComplaintSuccess');
    expect(text).not.toMatch(/\beval\(|new Function\(|unsafeHTML|Lit is in dev mode/);
    // Chunks name each other relatively: they load from wherever the loader was served.
    expect(text).not.toMatch(/import\s*\(?\s*["'`](?!\.\/)/);
  }
  // Each element's chunk carries only the hashes it sends.
  expect(read(chunkOf('careloop-did-this-solve')).match(/[`"'][0-9a-f]{64}[`"']/g)).toHaveLength(1);
});
