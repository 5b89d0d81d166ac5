/** `npm run elements`: custom-elements.json from the widgets' JSDoc headers (checked by test/widgets/custom-elements.test.ts). */
export default {
  globs: ['widgets/did-this-solve/*.ts', 'widgets/survey/*.ts', 'widgets/complaint-form/*.ts', 'widgets/internal/base.ts'],
  exclude: ['widgets/*/*.styles.ts'],
  litelement: true,
  outdir: '.',
  // package.json is edited by several people: it names the manifest by hand, not by this tool.
  packagejson: false,
};
