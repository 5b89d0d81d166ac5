import { availableParallelism } from 'node:os';
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
    // vitest's default is one worker less than the cores: a single worker on a 2-core CI machine,
    // which then idles while a file waits on PGlite, PostgreSQL, Chromium or a spawned server.
    // (the baseline run of 13.4 min spent ~180 s in tests and the rest in per-file setup.)
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
