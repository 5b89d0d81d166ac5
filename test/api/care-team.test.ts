import { decodeGlobalID } from '@pothos/plugin-relay';
import { and, eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { complaints, events } from '../../server/db/tables/index.ts';
import { dataOf, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { careTeamOf, ok, type Json } from './care-team-fixtures.ts';
import { filed } from './complaints-fixtures.ts';

const rowId = (id: string) => decodeGlobalID(id).id;

async function eventsOf(api: TestApi, aggregateId: string) {
  return api.db.db
    .select({ type: events.type, aggregateType: events.aggregateType, payload: events.payload, visibility: events.visibility })
    .from(events)
    .where(and(eq(events.orgId, api.orgA.id), eq(events.aggregateId, aggregateId)))
    .orderBy(events.sequence);
}

let billing: Json;
let second: Json;
it.beforeAll(async ({ api }) => {
  const a = careTeamOf(api.asA);
  billing = ok(await a.createTeam({ name: 'Billing', description: 'Charges, invoices, refunds.' }));
  second = ok(await a.createTeam({ name: 'Second line' }));
});

describe('teams', () => {
  it('creates a team as a Relay node and records team.created', async ({ api }) => {
    expect(billing).toMatchObject({ name: 'Billing', description: 'Charges, invoices, refunds.', openComplaints: 0, agents: [] });
    expect(decodeGlobalID(billing.id).typename).toBe('Team');
    const node = dataOf(await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on Team { name } } }`, { id: billing.id })).node;
    expect(node).toEqual({ name: 'Billing' });
    expect(await eventsOf(api, rowId(billing.id))).toEqual([
      { type: 'team.created', aggregateType: 'team', payload: { fields: ['description', 'name'] }, visibility: 'internal' },
    ]);
  });

  it('a duplicate name is a ConflictError on name, and nothing is written', async ({ api }) => {
    const a = careTeamOf(api.asA);
    const result = await a.createTeam({ name: 'Billing' });
    expect(result).toMatchObject({ __typename: 'ConflictError', field: 'name' });
    expect((await a.teams()).filter((t) => t.name === 'Billing')).toHaveLength(1);
    const renamed = await a.updateTeam(second.id, { name: 'Billing' });
    expect(renamed).toMatchObject({ __typename: 'ConflictError', field: 'name' });
  });

  it('updates name and description (null clears it) and records team.updated with field names', async ({ api }) => {
    const a = careTeamOf(api.asA);
    const team = ok(await a.createTeam({ name: 'Temp', description: 'x' }));
    api.clock.advance(60_000);
    const updated = ok(await a.updateTeam(team.id, { name: 'Returns', description: null }));
    expect(updated).toMatchObject({ name: 'Returns', description: null });
    expect(updated.updatedAt > team.updatedAt).toBe(true);
    const types = (await eventsOf(api, rowId(team.id))).map((e) => [e.type, e.payload]);
    expect(types).toEqual([
      ['team.created', { fields: ['description', 'name'] }],
      ['team.updated', { fields: ['description', 'name'] }],
    ]);
  });

  it('refuses bad input with the field path', async ({ api }) => {
    const result = await careTeamOf(api.asA).createTeam({ name: '  ' });
    expect(result.__typename).toBe('ValidationError');
    expect(result.issues[0].path).toEqual(['input', 'name']);
  });

  it('lists teams by name, and another organization sees none of them', async ({ api }) => {
    const names = (await careTeamOf(api.asA).teams()).map((t) => t.name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('Billing');
    expect(await careTeamOf(api.asB).teams()).toEqual([]);
  });
});

describe('agents', () => {
  it('creates an agent with a lower-cased email in a team, and records agent.created without the email', async ({ api }) => {
    const a = careTeamOf(api.asA);
    const mei = ok(await a.createAgent({ name: 'Mei', email: '  Mei@Shop.Example ', teamId: billing.id }));
    expect(mei).toMatchObject({ name: 'Mei', email: 'mei@shop.example', active: true, deactivatedAt: null, openComplaints: 0, team: { name: 'Billing' } });
    expect(decodeGlobalID(mei.id).typename).toBe('Agent');
    const evts = await eventsOf(api, rowId(mei.id));
    expect(evts).toEqual([{ type: 'agent.created', aggregateType: 'agent', payload: { fields: ['email', 'name', 'teamId'] }, visibility: 'internal' }]);
    expect(JSON.stringify(evts)).not.toContain('mei@');
    const team = (await a.teams()).find((t) => t.id === billing.id)!;
    expect(team.agents.map((x: Json) => x.name)).toContain('Mei');
  });

  it('an email another agent has, in any spelling, is a ConflictError on email', async ({ api }) => {
    const a = careTeamOf(api.asA);
    ok(await a.createAgent({ name: 'Ann', email: 'ann@shop.example' }));
    const dup = await a.createAgent({ name: 'Ann 2', email: 'ANN@shop.example' });
    expect(dup).toMatchObject({ __typename: 'ConflictError', field: 'email' });
    const other = ok(await a.createAgent({ name: 'Other', email: 'other@shop.example' }));
    expect(await a.updateAgent(other.id, { email: 'Ann@Shop.Example' })).toMatchObject({ __typename: 'ConflictError', field: 'email' });
    // Its own email again is no conflict.
    expect(ok(await a.updateAgent(other.id, { email: 'OTHER@shop.example' })).email).toBe('other@shop.example');
  });

  it('the same email in another organization is fine', async ({ api }) => {
    ok(await careTeamOf(api.asA).createAgent({ name: 'Sam', email: 'sam@shared.example' }));
    ok(await careTeamOf(api.asB).createAgent({ name: 'Sam B', email: 'sam@shared.example' }));
  });

  it('refuses a bad email and a team of another organization', async ({ api }) => {
    const a = careTeamOf(api.asA);
    const bad = await a.createAgent({ name: 'X', email: 'not an email' });
    expect(bad.__typename).toBe('ValidationError');
    expect(bad.issues[0].path).toEqual(['input', 'email']);
    const bTeam = ok(await careTeamOf(api.asB).createTeam({ name: 'B team' }));
    expect(await a.createAgent({ name: 'X', email: 'x@shop.example', teamId: bTeam.id })).toMatchObject({ __typename: 'NotFoundError', entity: 'Team' });
    expect(await a.createAgent({ name: 'X', email: 'x@shop.example', teamId: 'not-an-id' })).toMatchObject({ __typename: 'ValidationError' });
  });

  it('moves an agent between teams, out of any team with null, and keeps the team when absent', async ({ api }) => {
    const a = careTeamOf(api.asA);
    const lin = ok(await a.createAgent({ name: 'Lin', email: 'lin@shop.example', teamId: billing.id }));
    expect(ok(await a.updateAgent(lin.id, { name: 'Lin Wei' })).team).toEqual({ id: billing.id, name: 'Billing' });
    expect(ok(await a.updateAgent(lin.id, { teamId: second.id })).team.name).toBe('Second line');
    expect(ok(await a.updateAgent(lin.id, { teamId: null })).team).toBeNull();
    const payloads = (await eventsOf(api, rowId(lin.id))).map((e) => e.payload);
    expect(payloads.slice(1)).toEqual([{ fields: ['name'] }, { fields: ['teamId'] }, { fields: ['teamId'] }]);
  });

  it('deactivates once: deactivatedAt from the clock, one event, again is a no-op', async ({ api }) => {
    const a = careTeamOf(api.asA);
    const kai = ok(await a.createAgent({ name: 'Kai', email: 'kai@shop.example' }));
    api.clock.advance(3_600_000);
    const at = api.clock.now().toISOString();
    const gone = ok(await a.deactivateAgent(kai.id));
    expect(gone).toMatchObject({ active: false, deactivatedAt: at });
    expect(ok(await a.deactivateAgent(kai.id))).toMatchObject({ active: false, deactivatedAt: at });
    expect((await eventsOf(api, rowId(kai.id))).map((e) => e.type)).toEqual(['agent.created', 'agent.deactivated']);
  });

  it('an unknown agent or one of another organization is NotFoundError', async ({ api }) => {
    const bAgent = ok(await careTeamOf(api.asB).createAgent({ name: 'Bee', email: 'bee@b.example' }));
    const a = careTeamOf(api.asA);
    expect(await a.updateAgent(bAgent.id, { name: 'Mine' })).toMatchObject({ __typename: 'NotFoundError', entity: 'Agent' });
    expect(await a.deactivateAgent(bAgent.id)).toMatchObject({ __typename: 'NotFoundError', entity: 'Agent' });
  });

  it('lists agents by name with cursor pages, totalCount and the active and team filters', async ({ newOrg }) => {
    const a = careTeamOf(newOrg.as);
    const team = ok(await a.createTeam({ name: 'Front desk' }));
    for (const name of ['Eve', 'Bo', 'Cy', 'Al', 'Di']) {
      ok(await a.createAgent({ name, email: `${name.toLowerCase()}@org.example`, teamId: name < 'C' ? team.id : undefined }));
    }
    const bo = (await a.agents({ first: 10 })).edges.find((e) => e.node.name === 'Bo')!.node;
    ok(await a.deactivateAgent(bo.id));
    const first = await a.agents({ first: 2 });
    expect(first.totalCount).toBe(5);
    expect(first.edges.map((e) => e.node.name)).toEqual(['Al', 'Bo']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = await a.agents({ first: 10, after: first.pageInfo.endCursor });
    expect(next.edges.map((e) => e.node.name)).toEqual(['Cy', 'Di', 'Eve']);
    const active = await a.agents({ first: 10, filter: { active: true } });
    expect(active.edges.map((e) => e.node.name)).toEqual(['Al', 'Cy', 'Di', 'Eve']);
    expect(active.totalCount).toBe(4);
    const inactive = await a.agents({ first: 10, filter: { active: false } });
    expect(inactive.edges.map((e) => e.node.name)).toEqual(['Bo']);
    const ofTeam = await a.agents({ first: 10, filter: { teamId: team.id, active: true } });
    expect(ofTeam.edges.map((e) => e.node.name)).toEqual(['Al']);
    expect(ofTeam.totalCount).toBe(1);
  });

  it('openComplaints counts assigned complaints that are not resolved or closed, for agents and teams', async ({ api, widget }) => {
    const a = careTeamOf(api.asA);
    const team = ok(await a.createTeam({ name: 'Counting' }));
    const zoe = ok(await a.createAgent({ name: 'Zoe', email: 'zoe@shop.example', teamId: team.id }));
    const statuses = ['new', 'in_progress', 'awaiting_customer', 'reopened', 'resolved', 'closed'] as const;
    for (const status of statuses) {
      const receipt = await filed(widget);
      await api.db.db
        .update(complaints)
        .set({ status, assigneeId: rowId(zoe.id), teamId: rowId(team.id) })
        .where(and(eq(complaints.orgId, api.orgA.id), eq(complaints.reference, receipt.reference)));
    }
    const data = dataOf(
      await api.asA.gql(`query($a: ID!, $t: ID!) { a: node(id: $a) { ... on Agent { openComplaints } } t: node(id: $t) { ... on Team { openComplaints } } }`, {
        a: zoe.id,
        t: team.id,
      }),
    );
    expect(data).toEqual({ a: { openComplaints: 4 }, t: { openComplaints: 4 } });
  });
});

describe('scopes', () => {
  it('mutations need the write scope and reads the read scope', async ({ api }) => {
    const { createApiKey } = await import('../../server/organizations/organizations.service.ts');
    const { key: readKey } = await createApiKey(api.tenant(api.orgA.id), { name: 'read only', scopes: ['read'] });
    const reader = careTeamOf(api.withKey(readKey));
    const refused = await api.withKey(readKey).gql(`mutation { createTeam(input: { name: "Nope" }) { __typename } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await reader.teams()).length).toBeGreaterThan(0);
    const anonymous = await api.anonymous.gql('{ teams { id } }');
    expect(anonymous.errors?.length).toBeGreaterThan(0);
  });
});
