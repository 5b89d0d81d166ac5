import { and, eq } from 'drizzle-orm';
import { carePlans, organizations } from '../db/tables/index.ts';
import { changedFields, emit } from '../events/emit.ts';
import { ValidationError } from '../shared/errors.ts';
import { parseInput } from '../shared/validate.ts';
import type { Tenant } from '../tenant/tenant.ts';
import { careSettingsInput, type CareSettingsInput } from './care-plans.input.ts';
import { careSettingsOf, readCareSettings } from './care-settings.ts';
import type { CareSettings, Holiday } from './engine/types.ts';

/**
 * Not cached, unlike the complaint settings (read on every filing): care settings are read once
 * per organization by each scheduler run and on plan writes that name a holiday, one row by
 * primary key. A cache would only add a window in which another instance schedules with a
 * fatigue cap or zone an admin has already changed.
 */
export function careSettings(tenant: Tenant): Promise<CareSettings> {
  return readCareSettings(tenant.db, tenant.orgId);
}

function holidaysOf(input: NonNullable<CareSettingsInput['holidays']>): Holiday[] {
  return input.map((h) =>
    h.dates !== undefined
      ? { key: h.key, name: h.name, dates: [...new Set(h.dates)].sort() }
      : { key: h.key, name: h.name, month: h.month!, day: h.day! },
  );
}

/**
 * Replaces the given parts: the org's time zone (organizations.time_zone), the fatigue cap, the
 * holiday list (whole). A holiday that a plan (active or paused) names cannot be removed: the
 * plan would stop greeting without anyone noticing.
 */
export async function updateCareSettings(tenant: Tenant, raw: unknown): Promise<CareSettings> {
  const input = parseInput(careSettingsInput, raw, ['input']);
  const { db, orgId } = tenant;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ timeZone: organizations.timeZone, careSettings: organizations.careSettings })
      .from(organizations)
      .where(eq(organizations.id, orgId))
      .for('update');
    const current = careSettingsOf(row ?? { timeZone: null, careSettings: null });
    const holidays = input.holidays ? holidaysOf(input.holidays) : current.holidays;
    if (input.holidays) {
      const kept = new Set(holidays.map((h) => h.key));
      const users = await tx
        .select({ name: carePlans.name, trigger: carePlans.trigger })
        .from(carePlans)
        .where(and(eq(carePlans.orgId, orgId), eq(carePlans.triggerType, 'annual_date')));
      const orphaned = users.filter((p) => typeof p.trigger.holiday === 'string' && !kept.has(p.trigger.holiday));
      if (orphaned.length) {
        throw new ValidationError(
          orphaned.map((p) => ({
            path: ['input', 'holidays'],
            message: `must keep ${String(p.trigger.holiday)}: the care plan "${p.name}" greets on it`,
          })),
        );
      }
    }
    const next: CareSettings = {
      timeZone: input.timeZone ?? current.timeZone,
      fatigueCap: input.fatigueCap ?? current.fatigueCap,
      holidays,
    };
    await tx
      .update(organizations)
      .set({ timeZone: next.timeZone, careSettings: { fatigueCap: next.fatigueCap, holidays: next.holidays } })
      .where(eq(organizations.id, orgId));
    await emit(tx, tenant, { type: 'organization.care_settings_updated', aggregateId: orgId, payload: { fields: changedFields(input) } });
    return next;
  });
}
