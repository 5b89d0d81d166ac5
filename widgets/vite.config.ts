import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
export const widgetsOutDir = fileURLToPath(new URL('../dist/widgets/', import.meta.url));

/**
 * The widgets send operations by hash only: in the bundle, each manifest document is cut to
 * its name ("FileComplaint"), for widgets/internal/api.ts.
 */
function operationHashesOnly(): Plugin {
  return {
    name: 'careloop-operation-hashes-only',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('/widgets/persisted-operations.json')) return;
      const manifest = JSON.parse(code) as Record<string, string>;
      const names = Object.entries(manifest).map(([hash, document]) => [hash, /^\w+ (\w+)/.exec(document)![1]]);
      return { code: JSON.stringify(Object.fromEntries(names)), map: null };
    },
  };
}

/**
 * Whitespace in the templates, which minifiers keep as written (it is text to them): the css``
 * styles lose theirs around braces, colons, semicolons and commas, and in the bundle every line
 * break with its indentation becomes one space. After minification a line break is left only
 * inside template literals, and all of ours are html`` or css``, where a run of whitespace
 * renders as one space (no <pre>, no text inside a textarea). Measured: 163 + 60 bytes gzip.
 */
function templateWhitespace(): Plugin {
  const minifyCss = (text: string) =>
    text
      .replace(/\s+/g, ' ')
      .replace(/ ?([{};,]) ?/g, '$1')
      .replace(/: /g, ':')
      .replace(/;}/g, '}')
      .replace(/([ :(,])0\./g, '$1.')
      .trim();
  return {
    name: 'careloop-template-whitespace',
    transform(code, id) {
      // Lit's messages for misusing css`` (our styles are literals, checked here at build time): 100 bytes gzip.
      if (id.endsWith('/@lit/reactive-element/css-tag.js')) return { code: code.replace(/Error\("[^"]*"(\+t\+"[^"]*")?\)/g, 'Error("css")'), map: null };
      // Lit's version registry, read only by Lit's development build (to warn about two copies): 30 bytes.
      if (/\/(lit-html|lit-element|@lit\/reactive-element)\//.test(id)) {
        return { code: code.replace(/\((\w+)\.(litHtml|litElement|reactiveElement)Versions\?\?=\[\]\)\.push\("[\d.]+"\)/g, '0'), map: null };
      }
      if (!/\/widgets\/.*\.ts$/.test(id) || id.includes('node_modules')) return;
      return { code: code.replace(/\bcss`([^`$]*)`/g, (_, text: string) => `css\`${minifyCss(text)}\``), map: null };
    },
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) if (chunk.type == 'chunk') chunk.code = chunk.code.replace(/\n\s*/g, ' ');
    },
  };
}

/** `npm run build:widgets`: dist/widgets/careloop.js (classic script) and careloop.mjs (ES module), minified. */
export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  plugins: [operationHashesOnly(), templateWhitespace()],
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
