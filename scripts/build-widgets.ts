/**
 * Builds the widget bundle (dist/widgets/careloop.js and careloop.mjs) with widgets/vite.config.ts.
 * `--if-missing` (the prestart hook) builds only when there is no bundle yet, or when a file
 * under widgets/ (sources, translations, persisted-operations.json) is newer than it: a bundle
 * left from before a `git pull` would otherwise send operations the server no longer knows.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../', import.meta.url));
export const widgetsDir = join(root, 'dist/widgets');
export const widgetsBundle = join(widgetsDir, 'careloop.js');

export async function buildWidgets(): Promise<void> {
  // Lit's export conditions follow NODE_ENV: under a test runner (NODE_ENV=test) vite would
  // otherwise bundle Lit's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(root, 'widgets/vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** The newest modification time of the files the bundle is built from. */
function newestSource(): number {
  return readdirSync(join(root, 'widgets'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((newest, entry) => Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
}

function bundleIsCurrent(): boolean {
  const bundles = [widgetsBundle, join(widgetsDir, 'careloop.mjs')];
  if (!bundles.every((file) => existsSync(file))) return false;
  return Math.min(...bundles.map((file) => statSync(file).mtimeMs)) >= newestSource();
}

if (isEntryPoint()) {
  if (process.argv.includes('--if-missing') && bundleIsCurrent()) process.exit(0);
  process.stdout.write('building the widget bundle (dist/widgets)…\n');
  await buildWidgets();
}
