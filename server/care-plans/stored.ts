import { z } from 'zod';
import {
  customerTiers,
  lifecycleStages,
  touchpointChannels,
  touchpointKinds,
  touchpointStages,
  type carePlans,
} from '../db/tables/index.ts';
import type {
  CarePlanAction,
  CarePlanAudience,
  CarePlanDefinition,
  CarePlanExits,
  CarePlanQuietRules,
  CarePlanTrigger,
  CarePlanTriggerType,
} from './engine/types.ts';

/**
 * The stored shapes of a plan's jsonb parts, with their defaults: what planFromRow reads. The
 * service writes only what care-plans.input.ts validated, so these are lenient (a part written
 * before a field existed gets its default) but never guess a trigger: a row whose trigger does
 * not parse is an error, not a plan that fires at the wrong time.
 */

export const DEFAULT_LOCAL_TIME = '09:00';

const days = z.number().int().min(1).max(3650);
const storedTriggers = {
  birthday: z.object({}),
  annual_date: z.union([
    z.object({ holiday: z.string().min(1) }),
    z.object({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31) }),
  ]),
  after_purchase: z.object({ days, product: z.string().min(1).optional() }),
  after_complaint_closed: z.object({ days: days.optional() }),
  every: z.union([
    z.object({ days, anchor: z.literal('fixed'), startsOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
    z.object({ days, anchor: z.literal('last_completed').default('last_completed') }),
  ]),
  silence: z.object({ days }),
} satisfies Record<CarePlanTriggerType, z.ZodType>;

export const storedAudience = z.object({
  tiers: z.array(z.enum(customerTiers)).default([]),
  lifecycleStages: z.array(z.enum(lifecycleStages)).default([]),
  tags: z.array(z.string()).default([]),
  specialNeeds: z.array(z.string()).default([]),
  siteIds: z.array(z.string()).default([]),
}) satisfies z.ZodType<CarePlanAudience, unknown>;

export const storedAction = z.object({
  channel: z.enum(touchpointChannels),
  kind: z.enum(touchpointKinds),
  stage: z.enum(touchpointStages).nullable().default(null),
  automated: z.boolean().default(false),
  templates: z.record(z.string(), z.string()).default({}),
  leadTimeSeconds: z.number().int().min(0).default(0),
  localTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).default(DEFAULT_LOCAL_TIME),
}) satisfies z.ZodType<CarePlanAction, unknown>;

export const storedQuietRules = z.object({
  weekdays: z.array(z.number().int().min(1).max(7)).default([]),
  minDaysSinceContact: z.number().int().min(0).default(0),
}) satisfies z.ZodType<CarePlanQuietRules, unknown>;

export const storedExits = z.object({
  onContact: z.boolean().default(true),
  onOpenComplaint: z.boolean().default(true),
  onAudienceLeft: z.boolean().default(true),
}) satisfies z.ZodType<CarePlanExits, unknown>;

/** The trigger as the engine sees it: the row's type column with its jsonb parameters. */
export function triggerOf(type: CarePlanTriggerType, params: unknown): CarePlanTrigger {
  const parsed = storedTriggers[type].parse(params ?? {});
  return { type, ...parsed } as CarePlanTrigger;
}

/** What a trigger stores in its jsonb (everything but the type, which is a column). */
export function triggerParams(trigger: CarePlanTrigger): Record<string, unknown> {
  const { type: _type, ...params } = trigger;
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

export type CarePlanRow = typeof carePlans.$inferSelect;

/** A care_plans row as the engine and the scheduler see it (jsonb parsed, defaults applied). */
export function planFromRow(row: CarePlanRow): CarePlanDefinition {
  try {
    return {
      id: row.id,
      orgId: row.orgId,
      name: row.name,
      active: row.active,
      trigger: triggerOf(row.triggerType, row.trigger),
      audience: storedAudience.parse(row.audience ?? {}),
      action: storedAction.parse(row.action ?? {}),
      quietRules: storedQuietRules.parse(row.quietRules ?? {}),
      exits: storedExits.parse(row.exits ?? {}),
      assigneeAgentId: row.assigneeAgentId,
      assigneeTeamId: row.assigneeTeamId,
      maxLatenessSeconds: row.maxLatenessSeconds,
      createdAt: new Date(row.createdAt).toISOString(),
    };
  } catch (error) {
    throw new Error(`care plan ${row.id} is stored in a shape that does not parse`, { cause: error });
  }
}
