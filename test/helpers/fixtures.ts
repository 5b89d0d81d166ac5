import { test as base } from 'vitest';
import { customersOf, type CustomersApi } from '../api/customers-fixtures.ts';
import { surveysOf, widgetOf } from '../api/surveys-fixtures.ts';
import { createTestApi, type Caller, type TestApi, type TestSite } from './api.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/**
 * The suite's shared fixtures (vitest `test.extend`), instead of each file writing
 * `beforeAll(createTestApi)` / `afterAll(close)`:
 *
 * ```ts
 * import { describe, expect } from 'vitest';
 * import { test as it } from '../helpers/fixtures.ts';
 *
 * it.beforeAll(async ({ api }) => { ... rows every test of the file reads ... });
 * it('does a thing', async ({ api, site }) => { ... });
 * ```
 *
 * File-scoped fixtures are built on first use and shared by every test and `it.beforeAll` of the
 * file (one database per file, as before: files run in parallel and never see each other's rows),
 * then closed after the file. A file that never asks for `api` never pays for a database.
 *
 * A file-scoped fixture is built inside the first test or hook that asks for it, under that one's
 * timeout: a test's 30 s include building the database. Ask for it in a top-level `it.beforeAll`
 * (an empty `it.beforeAll(({ api: _ }) => {})` if the file has no setup) to build it under
 * hookTimeout before the first test, as `beforeAll(createTestApi)` did.
 */
export const test = base
  /** The file's API over its own database copy (see createTestApi): orgs A and B, their keys, a TestClock. */
  .extend('api', { scope: 'file' }, async ({}, { onCleanup }): Promise<TestApi> => {
    const api = await createTestApi();
    onCleanup(() => api.close());
    return api;
  })
  /** A site of org A allowing https://shop.example.com, shared by the file's tests. */
  .extend('site', { scope: 'file' }, async ({ api }): Promise<TestSite> => api.createSite())
  /** A widget of the file's `site`: its publishable key, sent from its origin. */
  .extend('widget', { scope: 'file' }, ({ api, site }): Caller => api.withSite(site.publishableKey, site.origin))
  /** Org A's customers through the API (customersOf(api.asA), test/api/customers-fixtures.ts). */
  .extend('customers', { scope: 'file' }, ({ api }): CustomersApi => customersOf(api.asA))
  /** Org A's surveys through the API (surveysOf(api.asA), test/api/surveys-fixtures.ts). */
  .extend('surveys', { scope: 'file' }, ({ api }): ReturnType<typeof surveysOf> => surveysOf(api.asA))
  /** The survey widget's operations (widgetOf, test/api/surveys-fixtures.ts) sent by the file's `widget`. */
  .extend('surveyWidget', { scope: 'file' }, ({ widget }): ReturnType<typeof widgetOf> => widgetOf(widget))
  /** A bare migrated database for the file, for tests below the API (seed, services). */
  .extend('database', { scope: 'file' }, async ({}, { onCleanup }): Promise<TestDatabase> => {
    const database = await createTestDatabase();
    onCleanup(() => database.destroy());
    return database;
  })
  /**
   * A new organization (no rows, a full-scope key) in the file's database, for one test that needs
   * an organization the file's setup has not touched. `newOrg.as` calls the API with its key.
   */
  .extend('newOrg', async ({ api, task }) => api.addOrganization(`Org ${task.id}`))
  /**
   * A second API of its own for one test: an empty database, for a test that needs a whole
   * database without the file's rows (prefer newOrg: a database costs seconds). Closed after that test.
   */
  .extend('freshApi', async ({}, { onCleanup }): Promise<TestApi> => {
    const api = await createTestApi();
    onCleanup(() => api.close());
    return api;
  });

export const it = test;
