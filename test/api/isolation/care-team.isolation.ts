import { expect } from 'vitest';
import { dataOf, type TestApi } from '../../helpers/api.ts';
import type { IsolationDomain } from '../../helpers/isolation.ts';
import { careTeamOf, ok, TEAM } from '../care-team-fixtures.ts';

const AGENT_FIELDS = 'id name email active deactivatedAt openComplaints team { id name }';

const b = (api: TestApi) => careTeamOf(api.asB);

export const domain: IsolationDomain = {
  name: 'agents and teams',
  snapshotQuery: `{ agents(first: 100) { totalCount edges { node { ${AGENT_FIELDS} } } } teams { ${TEAM} } }`,
  async setup(api) {
    const a = careTeamOf(api.asA);
    const team = ok(await a.createTeam({ name: 'A support', description: 'Org A only' }));
    const agent = ok(await a.createAgent({ name: 'Agent A', email: 'agent-a@a.example', teamId: team.id }));
    return { teamId: team.id, agentId: agent.id, agentEmail: 'agent-a@a.example' };
  },
  queries: {
    async agents(api, a) {
      for (const filter of [{}, { active: true }, { teamId: a.teamId }]) {
        const page = await b(api).agents({ first: 100, filter });
        expect(JSON.stringify(page)).not.toContain(a.agentId);
        expect(page.totalCount).toBe(page.edges.length);
      }
      const nodes = dataOf(await api.asB.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [a.agentId, a.teamId] }));
      expect(nodes.nodes).toEqual([null, null]);
    },
    async teams(api, a) {
      expect(JSON.stringify(await b(api).teams())).not.toContain(a.teamId);
    },
  },
  mutations: {
    async createAgent(api, a) {
      // A's email is free in B; A's team is unknown in B.
      expect((await b(api).createAgent({ name: 'B twin', email: a.agentEmail! })).__typename).toBe('MutationCreateAgentSuccess');
      expect(await b(api).createAgent({ name: 'B2', email: 'b2@b.example', teamId: a.teamId })).toMatchObject({ __typename: 'NotFoundError' });
    },
    async updateAgent(api, a) {
      expect(await b(api).updateAgent(a.agentId!, { name: 'Taken' })).toMatchObject({ __typename: 'NotFoundError' });
      const own = ok(await b(api).createAgent({ name: 'B mover', email: 'mover@b.example' }));
      expect(await b(api).updateAgent(own.id, { teamId: a.teamId })).toMatchObject({ __typename: 'NotFoundError' });
    },
    async deactivateAgent(api, a) {
      expect(await b(api).deactivateAgent(a.agentId!)).toMatchObject({ __typename: 'NotFoundError' });
    },
    async createTeam(api) {
      // A's team name is free in B.
      expect((await b(api).createTeam({ name: 'A support' })).__typename).toBe('MutationCreateTeamSuccess');
    },
    async updateTeam(api, a) {
      expect(await b(api).updateTeam(a.teamId!, { name: 'Mine now' })).toMatchObject({ __typename: 'NotFoundError' });
    },
  },
};
