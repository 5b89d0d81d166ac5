import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { requireAgent, requireTeam } from '../care-team/care-team.service.ts';
import { carePlans, organizations, sites } from '../db/tables/index.ts';
import type { Executor } from '../db/transaction.ts';
import { changedFields, emit } from '../events/emit.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../shared/errors.ts';
import { uniqueViolation } from '../shared/unique-violation.ts';
import { parseInput } from '../shared/validate.ts';
import type { Tenant } from '../tenant/tenant.ts';
import { readCareSettings } from './care-settings.ts';
import {
  createCarePlanInput,
  updateCarePlanInput,
  weekdayNumbers,
  type CreateCarePlanInput,
} from './care-plans.input.ts';
import type { CarePlanAction, CarePlanAudience, CarePlanExits, CarePlanQuietRules, CarePlanTrigger } from './engine/types.ts';
import { planFromRow, storedAction, storedAudience, storedExits, storedQuietRules, triggerParams, type CarePlanRow } from './stored.ts';

export interface CarePlanFilter {
  active?: boolean | null;
}

/** The plans list filter as SQL over `table` (the alias the relational query gives it). */
export function carePlanFilterSql(table: typeof carePlans, orgId: string, filter: CarePlanFilter = {}): SQL {
  return and(eq(table.orgId, orgId), filter.active == null ? undefined : eq(table.active, filter.active))!;
}

export function countCarePlans({ db, orgId }: Tenant, filter?: CarePlanFilter): Promise<number> {
  return db.$count(carePlans, carePlanFilterSql(carePlans, orgId, filter));
}

/** Who a plan's touchpoints go to: ids already decoded from the GraphQL global ids (null clears, undefined keeps). */
export interface Assignee {
  agentId?: string | null;
  teamId?: string | null;
}

const nameTaken = () => new ConflictError('Another care plan of this organization already has this name', 'name');

async function withConflicts<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const violation = uniqueViolation(error);
    if (violation?.constraint === 'care_plans_org_name_key') throw nameTaken();
    throw error;
  }
}

async function assertNameFree(tx: Executor, orgId: string, name: string | undefined, ownerId?: string) {
  if (!name) return;
  const [holder] = await tx
    .select({ id: carePlans.id })
    .from(carePlans)
    .where(and(eq(carePlans.orgId, orgId), eq(carePlans.name, name)))
    .limit(1);
  if (holder && holder.id !== ownerId) throw nameTaken();
}

export async function requireCarePlan(db: Executor, orgId: string, id: string, lock = false): Promise<CarePlanRow> {
  const query = db.select().from(carePlans).where(and(eq(carePlans.orgId, orgId), eq(carePlans.id, id))).limit(1);
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw new NotFoundError('CarePlan', id);
  return row;
}

/**
 * The assignee must be of this organization (another org's id is unknown here: NotFoundError,
 * as everywhere) and an agent must be active (a deactivated one can no longer be assigned).
 */
async function checkAssignee(tx: Executor, orgId: string, assignee: Assignee, issues: FieldIssue[]) {
  if (assignee.agentId) {
    const agent = await requireAgent(tx, orgId, assignee.agentId);
    if (!agent.active) issues.push({ path: ['input', 'assigneeAgentId'], message: 'is a deactivated agent' });
  }
  if (assignee.teamId) await requireTeam(tx, orgId, assignee.teamId);
}

async function checkSites(tx: Executor, orgId: string, siteIds: string[]) {
  const wanted = [...new Set(siteIds)];
  if (wanted.length === 0) return;
  const found = await tx
    .select({ id: sites.id })
    .from(sites)
    .where(and(eq(sites.orgId, orgId), inArray(sites.id, wanted)));
  const known = new Set(found.map((s) => s.id));
  const missing = wanted.find((id) => !known.has(id));
  if (missing) throw new NotFoundError('Site', missing);
}

/**
 * Checks that need the organization, for the parts a change gives: the holiday key is on the
 * list, an automated action has a template, the assignee and the sites are of the org.
 */
async function checkPlan(
  tx: Executor,
  orgId: string,
  parts: { trigger?: CarePlanTrigger; action?: CarePlanAction; siteIds?: string[] },
  assignee: Assignee,
) {
  const issues: FieldIssue[] = [];
  const { trigger, action } = parts;
  if (trigger?.type === 'annual_date' && trigger.holiday !== undefined) {
    // FOR SHARE: updateCareSettings (FOR UPDATE) cannot remove the holiday between this check
    // and the plan's commit, nor this plan slip past its check for plans that use the holiday.
    await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId)).for('share');
    const { holidays } = await readCareSettings(tx, orgId);
    if (!holidays.some((h) => h.key === trigger.holiday)) {
      issues.push({ path: ['input', 'trigger', 'holiday'], message: 'is not a holiday of the organization’s list (careSettings.holidays)' });
    }
  }
  if (action?.automated && Object.keys(action.templates).length === 0) {
    issues.push({ path: ['input', 'action', 'templates'], message: 'must hold at least one template when the plan is automated' });
  }
  await checkAssignee(tx, orgId, assignee, issues);
  await checkSites(tx, orgId, parts.siteIds ?? []);
  if (issues.length) throw new ValidationError(issues);
}

type TriggerInput = CreateCarePlanInput['trigger'];

function triggerOfInput(input: TriggerInput): CarePlanTrigger {
  const { type, ...params } = input;
  return { type, ...Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) } as CarePlanTrigger;
}

type ActionPatch = Partial<Omit<CarePlanAction, 'templates'>> & { templates?: { locale: string; text: string }[] };

function actionOf(current: Partial<CarePlanAction>, patch: ActionPatch): CarePlanAction {
  const { templates, ...rest } = patch;
  const merged = { ...current, ...definedOnly(rest) } as Record<string, unknown>;
  if (templates) merged.templates = Object.fromEntries(templates.map((t) => [t.locale, t.text]));
  return storedAction.parse(merged);
}

function quietRulesOf(current: Partial<CarePlanQuietRules>, patch: { weekdays?: Parameters<typeof weekdayNumbers>[0]; minDaysSinceContact?: number }) {
  return storedQuietRules.parse({
    ...current,
    ...definedOnly({ minDaysSinceContact: patch.minDaysSinceContact, weekdays: patch.weekdays && weekdayNumbers(patch.weekdays) }),
  });
}

function audienceOf(current: Partial<CarePlanAudience>, patch: Partial<CarePlanAudience>): CarePlanAudience {
  const given = definedOnly(patch);
  const dedupe = <T>(list: T[] | undefined) => (list ? [...new Set(list)] : undefined);
  return storedAudience.parse({
    ...current,
    ...definedOnly({
      tiers: dedupe(given.tiers),
      lifecycleStages: dedupe(given.lifecycleStages),
      tags: dedupe(given.tags),
      specialNeeds: dedupe(given.specialNeeds),
      siteIds: dedupe(given.siteIds),
    }),
  });
}

function exitsOf(current: Partial<CarePlanExits>, patch: Partial<CarePlanExits>): CarePlanExits {
  return storedExits.parse({ ...current, ...definedOnly(patch) });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

const asJson = (value: object) => value as unknown as Record<string, unknown>;

/** A new plan (active unless `active: false`), its parts stored with their defaults applied. */
export async function createCarePlan(tenant: Tenant, raw: unknown, assignee: Assignee = {}): Promise<CarePlanRow> {
  const input = parseInput(createCarePlanInput, raw, ['input']);
  const { db, orgId } = tenant;
  const trigger = triggerOfInput(input.trigger);
  const audience = audienceOf({}, input.audience ?? {});
  const action = actionOf({}, input.action);
  const quietRules = quietRulesOf({}, input.quietRules ?? {});
  const exits = exitsOf({}, input.exits ?? {});
  return withConflicts(() =>
    db.transaction(async (tx) => {
      await checkPlan(tx, orgId, { trigger, action, siteIds: audience.siteIds }, assignee);
      await assertNameFree(tx, orgId, input.name);
      const now = tenant.clock.now().toISOString();
      const [row] = await tx
        .insert(carePlans)
        .values({
          orgId,
          name: input.name,
          active: input.active ?? true,
          triggerType: trigger.type,
          trigger: triggerParams(trigger),
          audience: asJson(audience),
          action: asJson(action),
          quietRules: asJson(quietRules),
          exits: asJson(exits),
          assigneeAgentId: assignee.agentId ?? null,
          assigneeTeamId: assignee.teamId ?? null,
          ...(input.maxLatenessSeconds === undefined ? {} : { maxLatenessSeconds: input.maxLatenessSeconds }),
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await emit(tx, tenant, {
        type: 'care_plan.created',
        aggregateId: row!.id,
        payload: {
          trigger: trigger.type,
          active: row!.active,
          automated: action.automated,
          fields: changedFields({ ...input, assigneeAgentId: assignee.agentId ?? undefined, assigneeTeamId: assignee.teamId ?? undefined }),
        },
      });
      return row!;
    }),
  );
}

/** Changes what is given: the trigger whole, the other parts field by field. */
export async function updateCarePlan(tenant: Tenant, id: string, raw: unknown, assignee: Assignee = {}): Promise<CarePlanRow> {
  const input = parseInput(updateCarePlanInput, raw, ['input']);
  const { db, orgId } = tenant;
  return withConflicts(() =>
    db.transaction(async (tx) => {
      const current = planFromRow(await requireCarePlan(tx, orgId, id, true));
      const trigger = input.trigger ? triggerOfInput(input.trigger) : current.trigger;
      const audience = input.audience ? audienceOf(current.audience, input.audience) : current.audience;
      const action = input.action ? actionOf(current.action, input.action) : current.action;
      const quietRules = input.quietRules ? quietRulesOf(current.quietRules, input.quietRules) : current.quietRules;
      const exits = input.exits ? exitsOf(current.exits, input.exits) : current.exits;
      const nextAssignee = {
        agentId: assignee.agentId === undefined ? current.assigneeAgentId : assignee.agentId,
        teamId: assignee.teamId === undefined ? current.assigneeTeamId : assignee.teamId,
      };
      // Only what this change gives is checked again: a plan whose agent was deactivated later
      // can still be renamed; assigning that agent again is refused.
      await checkPlan(
        tx,
        orgId,
        { trigger: input.trigger && trigger, action: input.action && action, siteIds: input.audience?.siteIds },
        assignee,
      );
      await assertNameFree(tx, orgId, input.name, id);
      const [row] = await tx
        .update(carePlans)
        .set({
          ...(input.name === undefined ? {} : { name: input.name }),
          triggerType: trigger.type,
          trigger: triggerParams(trigger),
          audience: asJson(audience),
          action: asJson(action),
          quietRules: asJson(quietRules),
          exits: asJson(exits),
          assigneeAgentId: nextAssignee.agentId,
          assigneeTeamId: nextAssignee.teamId,
          ...(input.maxLatenessSeconds === undefined ? {} : { maxLatenessSeconds: input.maxLatenessSeconds }),
          updatedAt: tenant.clock.now().toISOString(),
        })
        .where(and(eq(carePlans.orgId, orgId), eq(carePlans.id, id)))
        .returning();
      await emit(tx, tenant, {
        type: 'care_plan.updated',
        aggregateId: id,
        payload: { fields: changedFields({ ...input, assigneeAgentId: assignee.agentId, assigneeTeamId: assignee.teamId }) },
      });
      return row!;
    }),
  );
}

/**
 * Pauses or resumes a plan. Setting what it already is changes nothing and records nothing. A
 * paused plan makes no new occurrences; what it scheduled stays (the scheduler decides about
 * touchpoints already created).
 */
export async function setCarePlanActive(tenant: Tenant, id: string, active: boolean): Promise<CarePlanRow> {
  const { db, orgId } = tenant;
  return db.transaction(async (tx) => {
    const current = await requireCarePlan(tx, orgId, id, true);
    if (current.active === active) return current;
    const [row] = await tx
      .update(carePlans)
      .set({ active, updatedAt: tenant.clock.now().toISOString() })
      .where(and(eq(carePlans.orgId, orgId), eq(carePlans.id, id)))
      .returning();
    await emit(tx, tenant, { type: active ? 'care_plan.activated' : 'care_plan.deactivated', aggregateId: id, payload: {} });
    return row!;
  });
}
