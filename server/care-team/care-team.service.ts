import { and, eq, type SQL } from 'drizzle-orm';
import { agents, teams } from '../db/tables/index.ts';
import type { Executor } from '../db/transaction.ts';
import { changedFields, emit } from '../events/emit.ts';
import { ConflictError, NotFoundError } from '../shared/errors.ts';
import { uniqueViolation } from '../shared/unique-violation.ts';
import { parseInput } from '../shared/validate.ts';
import type { Tenant } from '../tenant/tenant.ts';
import { createAgentInput, createTeamInput, updateAgentInput, updateTeamInput } from './care-team.input.ts';

export type AgentRow = typeof agents.$inferSelect;
export type TeamRow = typeof teams.$inferSelect;

export interface AgentFilter {
  active?: boolean | null;
  teamId?: string | null;
}

/** The agents list filter as SQL over `table` (the alias the relational query gives it). */
export function agentFilterSql(table: typeof agents, orgId: string, filter: AgentFilter = {}): SQL {
  return and(
    eq(table.orgId, orgId),
    filter.active == null ? undefined : eq(table.active, filter.active),
    filter.teamId ? eq(table.teamId, filter.teamId) : undefined,
  )!;
}

export function countAgents({ db, orgId }: Tenant, filter?: AgentFilter): Promise<number> {
  return db.$count(agents, agentFilterSql(agents, orgId, filter));
}

/** The team of this org, or NotFoundError naming the input field (a team of another org is unknown here). */
export async function requireTeam(db: Executor, orgId: string, id: string): Promise<TeamRow> {
  const [row] = await db.select().from(teams).where(and(eq(teams.orgId, orgId), eq(teams.id, id))).limit(1);
  if (!row) throw new NotFoundError('Team', id);
  return row;
}

/** The agent of this org, or NotFoundError; `lock` waits for a concurrent writer of the row. */
export async function requireAgent(db: Executor, orgId: string, id: string, lock = false): Promise<AgentRow> {
  const query = db.select().from(agents).where(and(eq(agents.orgId, orgId), eq(agents.id, id))).limit(1);
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw new NotFoundError('Agent', id);
  return row;
}

/** A unique violation (a concurrent writer took the email or name between check and write) as a ConflictError. */
async function withConflicts<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const violation = uniqueViolation(error);
    if (!violation) throw error;
    if (violation.constraint === 'agents_org_email_key') throw emailTaken();
    if (violation.constraint === 'teams_org_name_key') throw teamNameTaken();
    throw new ConflictError('This would duplicate an existing record');
  }
}

const emailTaken = () => new ConflictError('Another agent of this organization already has this email', 'email');
const teamNameTaken = () => new ConflictError('Another team of this organization already has this name', 'name');

async function assertEmailFree(tx: Executor, orgId: string, email: string | undefined, ownerId?: string) {
  if (!email) return;
  const [holder] = await tx
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.orgId, orgId), eq(agents.email, email)))
    .limit(1);
  if (holder && holder.id !== ownerId) throw emailTaken();
}

async function assertTeamNameFree(tx: Executor, orgId: string, name: string | undefined, ownerId?: string) {
  if (!name) return;
  const [holder] = await tx
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.orgId, orgId), eq(teams.name, name)))
    .limit(1);
  if (holder && holder.id !== ownerId) throw teamNameTaken();
}

/** A new active agent, optionally in a team of the same organization. */
export async function createAgent(tenant: Tenant, raw: unknown, teamId?: string | null): Promise<AgentRow> {
  const input = parseInput(createAgentInput, raw, ['input']);
  const { db, orgId } = tenant;
  return withConflicts(() =>
    db.transaction(async (tx) => {
      if (teamId) await requireTeam(tx, orgId, teamId);
      await assertEmailFree(tx, orgId, input.email);
      const now = tenant.clock.now().toISOString();
      const [agent] = await tx
        .insert(agents)
        .values({ ...input, orgId, teamId: teamId ?? null, createdAt: now, updatedAt: now })
        .returning();
      await emit(tx, tenant, {
        type: 'agent.created',
        aggregateId: agent!.id,
        payload: { fields: changedFields({ ...input, teamId: teamId ?? undefined }) },
      });
      return agent!;
    }),
  );
}

/** Renames an agent, changes the email, or moves the agent to another team (null: out of any team). */
export async function updateAgent(tenant: Tenant, id: string, raw: unknown, teamId?: string | null): Promise<AgentRow> {
  const input = parseInput(updateAgentInput, raw, ['input']);
  const { db, orgId } = tenant;
  return withConflicts(() =>
    db.transaction(async (tx) => {
      await requireAgent(tx, orgId, id, true);
      if (teamId) await requireTeam(tx, orgId, teamId);
      await assertEmailFree(tx, orgId, input.email, id);
      const [agent] = await tx
        .update(agents)
        .set({ ...input, ...(teamId === undefined ? {} : { teamId }), updatedAt: tenant.clock.now().toISOString() })
        .where(and(eq(agents.orgId, orgId), eq(agents.id, id)))
        .returning();
      await emit(tx, tenant, { type: 'agent.updated', aggregateId: id, payload: { fields: changedFields({ ...input, teamId }) } });
      return agent!;
    }),
  );
}

/**
 * An agent who left: kept with their history (events, messages, past assignments), no longer
 * assignable. Deactivating again changes nothing and records nothing.
 */
export async function deactivateAgent(tenant: Tenant, id: string): Promise<AgentRow> {
  const { db, orgId } = tenant;
  return db.transaction(async (tx) => {
    const current = await requireAgent(tx, orgId, id, true);
    if (!current.active) return current;
    const now = tenant.clock.now().toISOString();
    const [agent] = await tx
      .update(agents)
      .set({ active: false, deactivatedAt: now, updatedAt: now })
      .where(and(eq(agents.orgId, orgId), eq(agents.id, id)))
      .returning();
    await emit(tx, tenant, { type: 'agent.deactivated', aggregateId: id, payload: {} });
    return agent!;
  });
}

export async function createTeam(tenant: Tenant, raw: unknown): Promise<TeamRow> {
  const input = parseInput(createTeamInput, raw, ['input']);
  const { db, orgId } = tenant;
  return withConflicts(() =>
    db.transaction(async (tx) => {
      await assertTeamNameFree(tx, orgId, input.name);
      const now = tenant.clock.now().toISOString();
      const [team] = await tx
        .insert(teams)
        .values({ ...input, orgId, createdAt: now, updatedAt: now })
        .returning();
      await emit(tx, tenant, { type: 'team.created', aggregateId: team!.id, payload: { fields: changedFields(input) } });
      return team!;
    }),
  );
}

export async function updateTeam(tenant: Tenant, id: string, raw: unknown): Promise<TeamRow> {
  const input = parseInput(updateTeamInput, raw, ['input']);
  const { db, orgId } = tenant;
  return withConflicts(() =>
    db.transaction(async (tx) => {
      await requireTeam(tx, orgId, id);
      await assertTeamNameFree(tx, orgId, input.name, id);
      const [team] = await tx
        .update(teams)
        .set({ ...input, updatedAt: tenant.clock.now().toISOString() })
        .where(and(eq(teams.orgId, orgId), eq(teams.id, id)))
        .returning();
      await emit(tx, tenant, { type: 'team.updated', aggregateId: id, payload: { fields: changedFields(input) } });
      return team!;
    }),
  );
}
