import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { repoRoot } from '../process/processes.ts';

const scratch = mkdtempSync(join(tmpdir(), 'careloop-cem-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('custom-elements.json is what `npm run elements` makes from the widgets’ JSDoc headers', async () => {
  const cli = join(repoRoot, 'node_modules/@custom-elements-manifest/analyzer/cem.js');
  // The analyzer joins --outdir to the working directory.
    // `npm run elements` (custom-elements-manifest.config.mjs), with the output sent elsewhere.
  expect(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.elements).toBe('custom-elements-manifest analyze');
  await promisify(execFile)(process.execPath, [cli, 'analyze', '--outdir', relative(repoRoot, scratch)], { cwd: repoRoot });
  const generated = readFileSync(join(scratch, 'custom-elements.json'), 'utf8');
  const committed = readFileSync(join(repoRoot, 'custom-elements.json'), 'utf8');
  expect(committed, 'custom-elements.json is stale: run `npm run elements` and commit it').toBe(generated);

  const manifest = JSON.parse(committed);
  const elements = manifest.modules.flatMap((m: any) => m.declarations ?? []).filter((d: any) => d.tagName);
  expect(elements.map((d: any) => d.tagName).sort()).toEqual(['careloop-complaint-form', 'careloop-did-this-solve', 'careloop-survey']);
  for (const element of elements) {
    expect(element.events.map((e: any) => e.name)).toEqual(expect.arrayContaining(['careloop-submitted', 'careloop-queued', 'careloop-error']));
    expect(element.cssParts.map((p: any) => p.name)).toEqual(expect.arrayContaining(['card', 'status']));
    expect(element.cssProperties.map((p: any) => p.name)).toContain('--careloop-accent');
    expect(element.attributes.map((a: any) => a.name)).toContain('site-key');
  }
});
