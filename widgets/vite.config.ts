import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
export const widgetsOutDir = fileURLToPath(new URL('../dist/widgets/', import.meta.url));

/**
 * The widgets send operations by hash only: in the bundle, each manifest document is cut to
 * its first words ("mutation FileComplaint"), which name the operation for widgets/internal/api.ts.
 */
function operationHashesOnly(): Plugin {
  return {
    name: 'careloop-operation-hashes-only',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('/widgets/persisted-operations.json')) return;
      const manifest = JSON.parse(code) as Record<string, string>;
      const names = Object.entries(manifest).map(([hash, document]) => [hash, /^\w+ \w+/.exec(document)![0]]);
      return { code: JSON.stringify(Object.fromEntries(names)), map: null };
    },
  };
}

/** `npm run build:widgets`: dist/widgets/careloop.js (classic script) and careloop.mjs (ES module), minified. */
export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  plugins: [operationHashesOnly()],
  build: {
    outDir: widgetsOutDir,
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    reportCompressedSize: false,
    // import.meta.url is only read by the ES module build; the classic script finds itself by currentScript.
    rolldownOptions: {
      checks: { emptyImportMeta: false },
      // In lib mode vite 8 minifies the `es` output without whitespace removal (oxc `codegen: false`)
      // and keeps /*@__PURE__*/ annotations, for libraries that a downstream bundler re-bundles.
      // careloop.mjs goes straight to browsers, so it is minified exactly like careloop.js.
      output: { minify: true, comments: false },
    },
    lib: {
      entry: fileURLToPath(new URL('./index.ts', import.meta.url)),
      name: 'careloop',
      formats: ['iife', 'es'],
      fileName: (format) => (format == 'es' ? 'careloop.mjs' : 'careloop.js'),
    },
  },
});
