import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql ships CJS and ESM builds; one copy must serve every importer or instanceof checks fail.
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    include: ['test/**/*.test.ts'],
    // Once per run: the migrated template every test file's database is copied from, and
    // dist/widgets (the size budget and the browser tests check that build).
    globalSetup: ['test/helpers/global-setup.ts', 'test/widgets/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
