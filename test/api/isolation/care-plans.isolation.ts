import { expect } from 'vitest';
import { dataOf, type TestApi } from '../../helpers/api.ts';
import type { IsolationDomain } from '../../helpers/isolation.ts';
import { birthdayPlan, carePlansOf, PLAN, SETTINGS } from '../care-plans-fixtures.ts';
import { careTeamOf, ok } from '../care-team-fixtures.ts';

const b = (api: TestApi) => carePlansOf(api.asB);

export const domain: IsolationDomain = {
  name: 'care plans and care settings',
  snapshotQuery: `{ carePlans(first: 100) { totalCount edges { node { ${PLAN} } } } careSettings { ${SETTINGS} } }`,
  async setup(api) {
    const a = carePlansOf(api.asA);
    ok(await a.updateCareSettings({ timeZone: 'Asia/Shanghai', holidays: [{ key: 'a-only', name: 'A day', month: 3, day: 3 }] }));
    const team = ok(await careTeamOf(api.asA).createTeam({ name: 'A care plans' }));
    const agent = ok(await careTeamOf(api.asA).createAgent({ name: 'A planner', email: 'planner@a.example' }));
    const plan = ok(
      await a.createCarePlan({
        name: 'A holiday plan',
        trigger: { type: 'ANNUAL_DATE', holiday: 'a-only' },
        action: { channel: 'SMS', kind: 'GREETING_HOLIDAY', automated: true, templates: [{ locale: 'en', text: 'Org A only' }] },
        assigneeAgentId: agent.id,
        assigneeTeamId: team.id,
      }),
    );
    return { planId: plan.id, agentId: agent.id, teamId: team.id };
  },
  queries: {
    async carePlans(api, a) {
      for (const filter of [{}, { active: true }, { active: false }]) {
        const page = await b(api).carePlans({ first: 100, filter });
        expect(JSON.stringify(page)).not.toContain(a.planId);
        expect(page.totalCount).toBe(page.edges.length);
      }
      const nodes = dataOf(await api.asB.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [a.planId] }));
      expect(nodes.nodes).toEqual([null]);
    },
    async careSettings(api) {
      const settings = await b(api).careSettings();
      expect(settings.timeZone).not.toBe('Asia/Shanghai');
      expect(JSON.stringify(settings)).not.toContain('a-only');
    },
  },
  mutations: {
    async createCarePlan(api, a) {
      // A's name is free in B; A's agent, team and holiday are unknown in B.
      expect((await b(api).createCarePlan(birthdayPlan('A holiday plan'))).__typename).toBe('MutationCreateCarePlanSuccess');
      expect(await b(api).createCarePlan(birthdayPlan('B1', { assigneeAgentId: a.agentId }))).toMatchObject({ __typename: 'NotFoundError' });
      expect(await b(api).createCarePlan(birthdayPlan('B2', { assigneeTeamId: a.teamId }))).toMatchObject({ __typename: 'NotFoundError' });
      const holiday = await b(api).createCarePlan({ name: 'B3', trigger: { type: 'ANNUAL_DATE', holiday: 'a-only' }, action: { channel: 'SMS', kind: 'OFFER' } });
      expect(holiday).toMatchObject({ __typename: 'ValidationError' });
    },
    async updateCarePlan(api, a) {
      expect(await b(api).updateCarePlan(a.planId!, { name: 'Taken' })).toMatchObject({ __typename: 'NotFoundError' });
      const own = ok(await b(api).createCarePlan(birthdayPlan('B mover')));
      expect(await b(api).updateCarePlan(own.id, { assigneeAgentId: a.agentId })).toMatchObject({ __typename: 'NotFoundError' });
    },
    async activateCarePlan(api, a) {
      expect(await b(api).activateCarePlan(a.planId!)).toMatchObject({ __typename: 'NotFoundError' });
    },
    async deactivateCarePlan(api, a) {
      expect(await b(api).deactivateCarePlan(a.planId!)).toMatchObject({ __typename: 'NotFoundError' });
    },
    async updateCareSettings(api) {
      // B changes its own settings only.
      ok(await b(api).updateCareSettings({ timeZone: 'Europe/Berlin', fatigueCap: { maxTouchpoints: 9, perDays: 9 }, holidays: [] }));
    },
  },
};
