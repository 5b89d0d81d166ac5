// @vitest-environment happy-dom
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { PropertyDeclaration } from '../../widgets/internal/element.ts';
import { afterAll, expect, it } from 'vitest';

// Not test/process/processes.ts's repoRoot: under happy-dom, URL is happy-dom's.
const repoRoot = join(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'careloop-cem-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const committed = () => JSON.parse(readFileSync(join(repoRoot, 'custom-elements.json'), 'utf8'));
const elementsOf = (manifest: any) => manifest.modules.flatMap((m: any) => m.declarations ?? []).filter((d: any) => d.tagName);

it('custom-elements.json is what `npm run elements` makes from the widgets’ JSDoc headers', async () => {
  const cli = join(repoRoot, 'node_modules/@custom-elements-manifest/analyzer/cem.js');
  // `npm run elements` (custom-elements-manifest.config.mjs), with the output sent elsewhere:
  // the analyzer joins --outdir to the working directory.
  expect(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.elements).toBe('custom-elements-manifest analyze');
  await promisify(execFile)(process.execPath, [cli, 'analyze', '--outdir', relative(repoRoot, scratch)], { cwd: repoRoot });
  const generated = readFileSync(join(scratch, 'custom-elements.json'), 'utf8');
  expect(readFileSync(join(repoRoot, 'custom-elements.json'), 'utf8'), 'custom-elements.json is stale: run `npm run elements` and commit it').toBe(generated);

  const elements = elementsOf(committed());
  expect(elements.map((d: any) => d.tagName).sort()).toEqual(['careloop-complaint-form', 'careloop-complaint-tracker', 'careloop-did-this-solve', 'careloop-survey']);
  for (const element of elements) {
    expect(element.events.map((e: any) => e.name)).toEqual(expect.arrayContaining(['careloop-submitted', 'careloop-queued', 'careloop-error']));
    for (const event of element.events) expect(event.name, `${element.tagName}: an event not named by @fires`).toMatch(/^careloop-/);
    expect(element.cssParts.map((p: any) => p.name)).toEqual(expect.arrayContaining(['card', 'status']));
    expect(element.cssProperties.map((p: any) => p.name)).toContain('--careloop-accent');
    expect(element.attributes.map((a: any) => a.name)).toContain('site-key');
  }
});

it('lists exactly the attributes the elements observe, and no internal reactive state as an attribute or a member', async () => {
  // The components themselves, not the analyzer's reading of them: Lit's own property options.
  await import('../../widgets/did-this-solve/did-this-solve.ts');
  await import('../../widgets/survey/survey.ts');
  await import('../../widgets/complaint-form/complaint-form.ts');
  await import('../../widgets/complaint-tracker/complaint-tracker.ts');
  for (const element of elementsOf(committed())) {
    const constructor = customElements.get(element.tagName) as unknown as { properties: Record<string, PropertyDeclaration> };
    // Every class's declared properties, up its chain (widgets/internal/element.ts), the nearest first.
    const declared = new Map<string, PropertyDeclaration>();
    for (let cls: any = constructor; cls && cls !== HTMLElement; cls = Object.getPrototypeOf(cls)) {
      if (Object.hasOwn(cls, 'properties')) for (const [name, options] of Object.entries(cls.properties as object)) if (!declared.has(name)) declared.set(name, options);
    }
    expect(constructor, element.tagName).toBeDefined();
    const internal = new Set<string>();
    const attributes = new Map<string, string>();
    for (const [key, options] of declared) {
      const name = String(key);
      if (options.state) internal.add(name);
      else attributes.set(typeof options.attribute === 'string' ? options.attribute : name.toLowerCase(), name);
    }
    expect(internal.size, `${element.tagName}: no internal state found, so this check checks nothing`).toBeGreaterThan(0);
    expect((constructor as unknown as typeof HTMLElement & { observedAttributes: string[] }).observedAttributes.sort()).toEqual([...attributes.keys()].sort());

    const where = `${element.tagName} in custom-elements.json`;
    for (const attribute of element.attributes) {
      expect(internal.has(attribute.name) || internal.has(attribute.fieldName), `${where}: internal state listed as attribute ${attribute.name}`).toBe(false);
    }
    for (const member of element.members ?? []) {
      expect(internal.has(member.name), `${where}: internal state listed as member ${member.name}`).toBe(false);
      expect(member.privacy ?? 'public', `${where}: member ${member.name}`).toBe('public');
    }
    // Every attribute the element observes is documented (@attr), and nothing else is.
    expect(
      Object.fromEntries(element.attributes.map((a: any) => [a.name, a.fieldName])),
      `${where}: attributes vs the element's observed attributes`,
    ).toEqual(Object.fromEntries(attributes));
    for (const attribute of element.attributes) expect(attribute.description, `${where}: @attr ${attribute.name} has no description`).toBeTruthy();
    // The properties behind them are the public members.
    expect(Object.fromEntries((element.members ?? []).map((m: any) => [m.attribute, m.name]))).toEqual(Object.fromEntries(attributes));
  }
});
