/**
 * Shared documents and helpers for care-team*.test.ts and the inbox tests: agents and teams
 * through the real API (yoga.fetch) with an API key.
 */
import { dataOf, type Caller } from '../helpers/api.ts';

export type Json = Record<string, any>;

export const AGENT = 'id name email active deactivatedAt openComplaints createdAt updatedAt team { id name }';
export const TEAM = 'id name description openComplaints createdAt updatedAt agents { id name }';

const result = (success: string, data: string) => `
  __typename
  ... on ${success} { data { ${data} } }
  ... on ValidationError { message issues { path message } }
  ... on ConflictError { field message }
  ... on NotFoundError { entity message }`;

export function careTeamOf(caller: Caller) {
  const mutate = async (field: string, inputType: string, data: string, input: Json) => {
    const name = field[0]!.toUpperCase() + field.slice(1);
    const response = dataOf(
      await caller.gql(`mutation($input: ${inputType}!) { ${field}(input: $input) { ${result(`Mutation${name}Success`, data)} } }`, { input }),
    );
    return response[field] as Json;
  };
  return {
    createAgent: (input: Json) => mutate('createAgent', 'CreateAgentInput', AGENT, input),
    updateAgent: (id: string, input: Json) => mutate('updateAgent', 'UpdateAgentInput', AGENT, { id, ...input }),
    deactivateAgent: (id: string) => mutate('deactivateAgent', 'DeactivateAgentInput', AGENT, { id }),
    createTeam: (input: Json) => mutate('createTeam', 'CreateTeamInput', TEAM, input),
    updateTeam: (id: string, input: Json) => mutate('updateTeam', 'UpdateTeamInput', TEAM, { id, ...input }),
    async agents(args: Json = {}): Promise<{ totalCount: number; pageInfo: Json; edges: { cursor: string; node: Json }[] }> {
      const query = `query($first: Int, $after: String, $filter: AgentFilter) {
        agents(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${AGENT} } } } }`;
      return dataOf(await caller.gql(query, args)).agents;
    },
    async teams(): Promise<Json[]> {
      return dataOf(await caller.gql(`{ teams { ${TEAM} } }`)).teams;
    },
  };
}

export type CareTeamApi = ReturnType<typeof careTeamOf>;

/** The data of a mutation that must succeed. */
export function ok(result: Json): Json {
  if (!result.__typename?.endsWith('Success')) throw new Error(`expected success: ${JSON.stringify(result)}`);
  return result.data;
}
