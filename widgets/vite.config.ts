import { readFileSync } from 'node:fs';
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
      // An element's operations.ts: its operations' hashes as constants, without the manifest.
      if (/\/widgets\/[\w-]+\/operations\.ts$/.test(id)) {
        const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('./persisted-operations.json', import.meta.url)), 'utf8')) as Record<string, string>;
        const hashOf = (name: string) => Object.keys(manifest).find((hash) => manifest[hash]!.split('(')[0]!.endsWith(` ${name}`));
        return { code: code.replace(/^import .*$/m, '').replace(/hashOf\('(\w+)'\)/g, (_, name: string) => JSON.stringify(hashOf(name))), map: null };
      }
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

/**
 * careloop.js, the classic script, is the loader (careloop.mjs) in a function scope, its chunks
 * resolved against its own URL (document.currentScript, read while it runs): a module resolves
 * import('./x.js') against its URL, but a classic script from another origin resolves it against
 * about:blank (Chromium: "import() is called from a CORS-cross-origin script"), and fails.
 */
function classicLoader(): Plugin {
  return {
    name: 'careloop-classic-loader',
    generateBundle(_options, bundle) {
      const loader = bundle['careloop.mjs'];
      if (loader?.type != 'chunk' || /\bimport\.meta\b|^\s*(import|export)\b|_careloop/m.test(loader.code)) throw new Error('careloop.mjs cannot run as a classic script');
      const code = loader.code.trim().replace(/\bimport\((`\.\/[^`]+`)\)/g, 'import(new URL($1,_careloop))');
      this.emitFile({ type: 'asset', fileName: 'careloop.js', source: `(()=>{let _careloop=document.currentScript.src;${code}})();` });
    },
  };
}

/**
 * `npm run build:widgets`: dist/widgets/careloop.mjs (the loader, an ES module), careloop.js (the
 * same loader as a classic script) and the chunks they fetch: one per element, which share
 * careloop-common (Lit, the base element, api, queue, translations), named by their content's hash.
 */
export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  plugins: [operationHashesOnly(), templateWhitespace(), classicLoader()],
  build: {
    outDir: widgetsOutDir,
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    reportCompressedSize: false,
    modulePreload: false,
    rolldownOptions: {
      // In lib mode vite 8 minifies the `es` output without whitespace removal (oxc `codegen: false`)
      // and keeps /*@__PURE__*/ annotations, for libraries that a downstream bundler re-bundles.
      // These files go straight to browsers, so they are minified fully.
      output: {
        minify: true,
        comments: false,
        chunkFileNames: '[name].[hash:6].js',
        codeSplitting: { groups: [{ name: 'common', test: /node_modules|[\\/]widgets[\\/](internal[\\/](?!operations|tell|send-pending|register)|translations[\\/]en\.ts)/ }] },
      },
    },
    lib: {
      entry: fileURLToPath(new URL('./index.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'careloop.mjs',
    },
  },
});
