import { sql } from 'drizzle-orm';
import { builder } from '../builder.ts';
import { orgIdOf, tenantOf } from '../context.ts';
import { complaints } from '../db/tables/index.ts';
import { mutationErrorOptions } from '../shared/common.schema.ts';
import { maxPageSize } from '../shared/limits.ts';
import { inputFromZod } from '../shared/zod-input.ts';
import { createAgentInput, createTeamInput, updateAgentInput, updateTeamInput } from './care-team.input.ts';
import {
  agentFilterSql,
  countAgents,
  createAgent,
  createTeam,
  deactivateAgent,
  updateAgent,
  updateTeam,
} from './care-team.service.ts';

/** Not resolved or closed: what an agent or team still has on the desk (the inbox's `open`). */
export const openComplaintSql = sql`${complaints.status} not in ('resolved', 'closed')`;

export const Team = builder.drizzleNode('teams', {
  name: 'Team',
  description: 'A group of agents complaints can be routed to, e.g. Billing or Second line.',
  id: { column: (t) => t.id },
  // Only the columns its fields read (the inbox joins it for every complaint), and orgId, which
  // node(id) checks; its fields are read through API keys only (read scope on every root field).
  select: { columns: { orgId: true } },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'A name for people, unique in the organization.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the team handles.' }),
    agents: t.relation('agents', {
      description: 'The agents in the team (active and deactivated), by name.',
      query: { orderBy: { name: 'asc', id: 'asc' } },
    }),
    openComplaints: t.relatedCount('complaints', {
      description: 'How many complaints routed to the team are not resolved or closed.',
      where: openComplaintSql,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the team was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the team was last changed.' }),
  }),
});

export const Agent = builder.drizzleNode('agents', {
  name: 'Agent',
  description: 'A person of the care team. API keys act for systems; a staff mutation names the agent who acts (actorAgentId).',
  id: { column: (a) => a.id },
  select: { columns: { orgId: true } },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The name customers may see ("Did Mei help you?").' }),
    email: t.exposeString('email', { description: 'Work email, lower-case, unique in the organization; never shown to customers.' }),
    team: t.relation('team', { nullable: true, description: 'The team the agent belongs to; null for none.' }),
    active: t.exposeBoolean('active', { description: 'False once deactivated: kept with their history, no longer assignable.' }),
    deactivatedAt: t.expose('deactivatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When deactivateAgent deactivated the agent; null while active.',
    }),
    openComplaints: t.relatedCount('complaints', {
      description: 'How many complaints assigned to the agent are not resolved or closed.',
      where: openComplaintSql,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the agent was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the agent was last changed.' }),
  }),
});

const AgentFilter = builder.inputType('AgentFilter', {
  description: 'Every given condition must hold.',
  fields: (t) => ({
    active: t.boolean({ description: 'True: active agents only; false: deactivated ones only.' }),
    teamId: t.globalID({ for: Team, description: 'Agents of this Team.' }),
  }),
});

const CreateAgentInput = inputFromZod('CreateAgentInput', createAgentInput, {
  description: 'A new agent.',
  extra: (t) => ({ teamId: t.globalID({ for: Team, description: 'The Team the agent joins; none without it.' }) }),
});

const UpdateAgentInput = inputFromZod('UpdateAgentInput', updateAgentInput, {
  description: 'Which agent, and what to change; absent fields are kept.',
  extra: (t) => ({
    id: t.globalID({ for: Agent, required: true, description: 'The Agent to change.' }),
    teamId: t.globalID({ for: Team, description: 'Moves the agent to this Team; null takes them out of any team; absent keeps it.' }),
  }),
});

const DeactivateAgentInput = builder.inputType('DeactivateAgentInput', {
  description: 'The agent who leaves the care team.',
  fields: (t) => ({ id: t.globalID({ for: Agent, required: true, description: 'An Agent id.' }) }),
});

const CreateTeamInput = inputFromZod('CreateTeamInput', createTeamInput, { description: 'A new team.' });

const UpdateTeamInput = inputFromZod('UpdateTeamInput', updateTeamInput, {
  description: 'Which team, and what to change; absent fields are kept.',
  extra: (t) => ({ id: t.globalID({ for: Team, required: true, description: 'The Team to change.' }) }),
});

builder.queryFields((t) => ({
  agents: t.drizzleConnection(
    {
      type: 'agents',
      description: "The organization's agents, by name.",
      authScopes: { read: true },
      maxSize: maxPageSize,
      args: { filter: t.arg({ type: AgentFilter, description: 'Only agents matching it; all without it.' }) },
      totalCount: (_root, args, ctx) => countAgents(tenantOf(ctx), { active: args.filter?.active, teamId: args.filter?.teamId?.id }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.query.agents.findMany(
          query({
            where: {
              RAW: (table) => agentFilterSql(table, orgIdOf(ctx), { active: args.filter?.active, teamId: args.filter?.teamId?.id }),
            },
            orderBy: { name: 'asc', id: 'asc' },
          }),
        ),
    },
    { name: 'AgentConnection' },
    { name: 'AgentEdge' },
  ),
  teams: t.drizzleField({
    type: ['teams'],
    description: "The organization's teams, by name.",
    authScopes: { read: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.db.query.teams.findMany(query({ where: { orgId: orgIdOf(ctx) }, orderBy: { name: 'asc', id: 'asc' } })),
  }),
}));

const mutation = { authScopes: { write: true }, errors: mutationErrorOptions } as const;

builder.mutationFields((t) => ({
  createAgent: t.field({
    ...mutation,
    type: Agent,
    description: 'Adds a person to the care team; an email another agent has is a ConflictError.',
    args: { input: t.arg({ type: CreateAgentInput, required: true, description: 'The new agent.' }) },
    resolve: (_root, { input: { teamId, ...agent } }, ctx) => createAgent(tenantOf(ctx), agent, teamId?.id),
  }),
  updateAgent: t.field({
    ...mutation,
    type: Agent,
    description: "Changes an agent's name, email or team.",
    args: { input: t.arg({ type: UpdateAgentInput, required: true, description: 'The agent and what to change.' }) },
    resolve: (_root, { input: { id, teamId, ...patch } }, ctx) =>
      updateAgent(tenantOf(ctx), id.id, patch, teamId === undefined ? undefined : (teamId?.id ?? null)),
  }),
  deactivateAgent: t.field({
    ...mutation,
    type: Agent,
    description: 'Deactivates an agent who left: their history stays, they can no longer be assigned. Deactivating again changes nothing.',
    args: { input: t.arg({ type: DeactivateAgentInput, required: true, description: 'The agent.' }) },
    resolve: (_root, args, ctx) => deactivateAgent(tenantOf(ctx), args.input.id.id),
  }),
  createTeam: t.field({
    ...mutation,
    type: Team,
    description: 'Creates a team; a name another team has is a ConflictError.',
    args: { input: t.arg({ type: CreateTeamInput, required: true, description: 'The new team.' }) },
    resolve: (_root, args, ctx) => createTeam(tenantOf(ctx), args.input),
  }),
  updateTeam: t.field({
    ...mutation,
    type: Team,
    description: "Changes a team's name or description.",
    args: { input: t.arg({ type: UpdateTeamInput, required: true, description: 'The team and what to change.' }) },
    resolve: (_root, { input: { id, ...patch } }, ctx) => updateTeam(tenantOf(ctx), id.id, patch),
  }),
}));
