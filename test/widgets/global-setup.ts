import { statSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { buildWidgets, widgetsBundle } from '../../scripts/build-widgets.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** When this test run's build of dist/widgets began (ms since the epoch, a little before its files' mtimes). */
    widgetBundleBuiltAt: number;
  }
}

/**
 * Every test run builds the widget bundle once, before any test file: the size budget and the
 * browser tests check this build, never a stale dist/widgets, and no two test files race to
 * write it.
 */
export default async function setup(project: TestProject): Promise<void> {
  const started = Date.now() - 1;
  await buildWidgets();
  project.provide('widgetBundleBuiltAt', Math.min(started, statSync(widgetsBundle).mtimeMs));
}
