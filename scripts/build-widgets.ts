/**
 * Builds the widget bundle (dist/widgets/careloop.js and careloop.mjs) with widgets/vite.config.ts.
 * `--if-missing` (the prestart hook) builds only when there is no bundle yet.
 */
import { existsSync, realpathSync } from 'node:fs';
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

if (isEntryPoint()) {
  if (process.argv.includes('--if-missing') && existsSync(widgetsBundle) && existsSync(join(widgetsDir, 'careloop.mjs'))) {
    process.exit(0);
  }
  process.stdout.write('building the widget bundle (dist/widgets)…\n');
  await buildWidgets();
}
