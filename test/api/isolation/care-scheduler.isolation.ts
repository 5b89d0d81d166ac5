import { eq } from 'drizzle-orm';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import { carePlanOccurrences } from '../../../server/db/tables/index.ts';
import { dataOf } from '../../helpers/api.ts';
import type { IsolationDomain } from '../../helpers/isolation.ts';
import { schedulerOf } from '../care-scheduler-fixtures.ts';

const RUN = 'mutation { runCarePlans { __typename ... on MutationRunCarePlansSuccess { data { plans evaluatedCustomers scheduled } } } }';

export const domain: IsolationDomain = {
  name: 'care scheduler',
  snapshotQuery: '{ customers(first: 100) { edges { node { id } } } }',
  async setup(api) {
    const care = schedulerOf(api.db.db, api.clock, api.orgA.id);
    const birthday = new Date(api.clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);
    const planId = await care.plan({ trigger: { type: 'birthday' }, action: { kind: 'greeting_birthday', leadTimeSeconds: 3 * 86_400 } });
    const customerId = await care.customer({ birthday: `1980${birthday.slice(4)}` });
    return { planId, customerId };
  },
  queries: {
    async carePlanPreview(api, a) {
      // A's plan is unknown to B: an error naming nothing of A's, never A's customers.
      const response = await api.asB.gql('query($id: ID!) { carePlanPreview(planId: $id) { evaluatedCustomers entries { customer { id } } } }', {
        id: encodeGlobalID('CarePlan', a.planId!),
      });
      expect(response.data?.carePlanPreview ?? null).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(JSON.stringify(response)).not.toContain(a.customerId!);
    },
  },
  mutations: {
    async runCarePlans(api, a) {
      // B's run runs B's plans only (other domains' cases may have made some): A's plan schedules nothing for A's customer.
      const result = dataOf(await api.asB.gql(RUN)).runCarePlans;
      expect(result).toMatchObject({ __typename: 'MutationRunCarePlansSuccess', data: { scheduled: 0 } });
      expect(await api.db.db.select().from(carePlanOccurrences).where(eq(carePlanOccurrences.planId, a.planId!))).toEqual([]);
    },
  },
};
