import { describe, expect } from 'vitest';
import { enqueueJob } from '../../server/jobs/enqueue.ts';
import { createApiKey } from '../../server/organizations/organizations.service.ts';
import { dataOf } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { jobs } from '../../server/db/tables/index.ts';
import { eq } from 'drizzle-orm';

const JOBS = `query($first: Int, $after: String, $state: JobState) {
  jobs(first: $first, after: $after, state: $state) {
    edges { node { id kind state payload attempts maxAttempts runAt lastError leaseExpiresAt createdAt finishedAt } }
    pageInfo { hasNextPage endCursor }
  } }`;

describe('Query.jobs', () => {
  it.beforeAll(async ({ api }) => {
    const db = api.db.db;
    const clock = api.clock;
    for (let n = 0; n < 3; n++) await enqueueJob(db, 'test.visible', { n }, { clock, orgId: api.orgA.id });
    const dead = await enqueueJob(db, 'test.dead', { n: 9 }, { clock, orgId: api.orgA.id });
    await db.update(jobs).set({ state: 'dead', attempts: 10, lastError: 'provider down', finishedAt: clock.now().toISOString() }).where(eq(jobs.id, dead.id!));
    await enqueueJob(db, 'test.system', {}, { clock }); // system job: no organization
    await enqueueJob(db, 'test.other-org', {}, { clock, orgId: api.orgB.id });
  });

  it("lists the organization's jobs, newest first, in pages; neither system jobs nor another organization's", async ({ api }) => {
    const first = dataOf(await api.asA.gql(JOBS, { first: 3 })).jobs;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = dataOf(await api.asA.gql(JOBS, { first: 3, after: first.pageInfo.endCursor })).jobs;
    const kinds = [...first.edges, ...rest.edges].map((e: any) => e.node.kind);
    expect(kinds.sort()).toEqual(['test.dead', 'test.visible', 'test.visible', 'test.visible']);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect(dataOf(await api.asB.gql(JOBS, {})).jobs.edges.map((e: any) => e.node.kind)).toEqual(['test.other-org']);
  });

  it('shows dead jobs with their last error (state: DEAD)', async ({ api }) => {
    const dead = dataOf(await api.asA.gql(JOBS, { state: 'DEAD' })).jobs.edges.map((e: any) => e.node);
    expect(dead).toEqual([
      expect.objectContaining({ kind: 'test.dead', state: 'DEAD', attempts: 10, maxAttempts: 10, lastError: 'provider down', payload: { n: 9 }, leaseExpiresAt: null }),
    ]);
    expect(dead[0].finishedAt).not.toBeNull();
    expect(dataOf(await api.asA.gql(JOBS, { state: 'RUNNING' })).jobs.edges).toEqual([]);
  });

  it('needs the admin scope', async ({ api }) => {
    const { key } = await createApiKey(api.tenant(api.orgA.id), { name: 'reader', scopes: ['read', 'write'] });
    const result = await api.withKey(key).gql(JOBS, {});
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.data).toBeNull();
  });
});
