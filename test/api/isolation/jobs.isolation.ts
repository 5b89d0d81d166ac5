import { expect } from 'vitest';
import { enqueueJob } from '../../../server/jobs/enqueue.ts';
import { dataOf } from '../../helpers/api.ts';
import type { IsolationDomain } from '../../helpers/isolation.ts';

export const domain: IsolationDomain = {
  name: 'jobs',
  snapshotQuery: '{ jobs(first: 100) { edges { node { id kind state attempts lastError } } } }',
  async setup(api) {
    const { id } = await enqueueJob(api.db.db, 'test.isolation', { secret: 'of A' }, { clock: api.clock, orgId: api.orgA.id });
    return { jobId: id! };
  },
  queries: {
    async jobs(api, a) {
      const data = dataOf(await api.asB.gql('{ jobs(first: 100) { edges { node { id payload } } } }'));
      expect(data.jobs.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(a.jobId);
      expect(JSON.stringify(data)).not.toContain('of A');
    },
  },
  mutations: {},
};
