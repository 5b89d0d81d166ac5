import { expect } from 'vitest';
import { type TestApi } from '../../helpers/api.ts';
import type { IsolationDomain } from '../../helpers/isolation.ts';
import { careTeamOf, ok as okTeam } from '../care-team-fixtures.ts';
import { customersOf, ok as okCustomer } from '../customers-fixtures.ts';
import { ok, touchpointsOf } from '../touchpoints-fixtures.ts';

const b = (api: TestApi) => touchpointsOf(api.asB);
const soon = () => new Date(Date.now() + 86_400_000).toISOString();
const past = () => new Date(Date.now() - 3_600_000).toISOString();

export const domain: IsolationDomain = {
  name: 'touchpoints',
  snapshotQuery: `{ touchpoints(first: 100) { totalCount edges { node { id status scheduledFor summary outcome cancelReason
    customer { id lastContactedAt nextTouchpoint { id } } agent { id } } } } }`,
  async setup(api) {
    const customer = okCustomer(await customersOf(api.asA).create({ name: 'A touchpoint customer', phone: '+4930999000' }));
    const agent = okTeam(await careTeamOf(api.asA).createAgent({ name: 'A caller', email: 'caller@a.example' }));
    const a = touchpointsOf(api.asA);
    const scheduled = ok(await a.schedule({ customerId: customer.id, channel: 'PHONE', kind: 'FOLLOW_UP', scheduledFor: soon(), agentId: agent.id }));
    const missed = ok(await a.schedule({ customerId: customer.id, channel: 'PHONE', kind: 'FOLLOW_UP', scheduledFor: soon(), agentId: agent.id }));
    ok(await a.miss(missed.id));
    ok(await a.log({ customerId: customer.id, channel: 'PHONE', direction: 'INBOUND', kind: 'CONSULTATION', occurredAt: past(), summary: 'A only' }));
    return { customerId: customer.id, agentId: agent.id, scheduledId: scheduled.id, missedId: missed.id };
  },
  queries: {
    async touchpoints(api, a) {
      for (const filter of [{}, { customerId: a.customerId }, { agentId: a.agentId }, { status: 'SCHEDULED', dueBefore: '2100-01-01T00:00:00Z' }]) {
        const page = await b(api).list({ first: 100, filter });
        expect(JSON.stringify(page)).not.toContain(a.scheduledId);
        expect(page.totalCount).toBe(page.edges.length);
      }
    },
    async agenda(api, a) {
      const page = await b(api).agenda({ agentId: a.agentId });
      expect(page).toMatchObject({ totalCount: 0, edges: [] });
    },
  },
  mutations: {
    async logTouchpoint(api, a) {
      const base = { channel: 'PHONE', direction: 'INBOUND', kind: 'CONSULTATION', occurredAt: past() };
      expect(await b(api).log({ ...base, customerId: a.customerId })).toMatchObject({ __typename: 'NotFoundError' });
      // A's customer's number is unknown in B: B gets a customer of its own.
      const own = ok(await b(api).log({ ...base, identity: { channel: 'PHONE', value: '+4930999000' } }));
      expect(own.customer.id).not.toBe(a.customerId);
      const ownCustomer = okCustomer(await customersOf(api.asB).create({ name: 'B customer' }));
      expect(await b(api).log({ ...base, customerId: ownCustomer.id, agentId: a.agentId })).toMatchObject({ __typename: 'NotFoundError' });
    },
    async scheduleTouchpoint(api, a) {
      const base = { channel: 'PHONE', kind: 'FOLLOW_UP', scheduledFor: soon() };
      expect(await b(api).schedule({ ...base, customerId: a.customerId })).toMatchObject({ __typename: 'NotFoundError' });
      const ownCustomer = okCustomer(await customersOf(api.asB).create({ name: 'B planner' }));
      expect(await b(api).schedule({ ...base, customerId: ownCustomer.id, agentId: a.agentId })).toMatchObject({ __typename: 'NotFoundError' });
    },
    async completeTouchpoint(api, a) {
      expect(await b(api).complete(a.scheduledId!, { outcome: 'B was here' })).toMatchObject({ __typename: 'NotFoundError' });
    },
    async missTouchpoint(api, a) {
      expect(await b(api).miss(a.scheduledId!)).toMatchObject({ __typename: 'NotFoundError' });
    },
    async cancelTouchpoint(api, a) {
      expect(await b(api).cancel(a.scheduledId!, 'B cancels')).toMatchObject({ __typename: 'NotFoundError' });
    },
    async rescheduleTouchpoint(api, a) {
      expect(await b(api).reschedule(a.missedId!, soon())).toMatchObject({ __typename: 'NotFoundError' });
    },
  },
};
