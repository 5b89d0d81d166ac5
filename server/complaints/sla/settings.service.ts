import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { perDatabase } from '../../db/per-database.ts';
import { organizations } from '../../db/tables/index.ts';
import type { Executor } from '../../db/transaction.ts';
import { emit } from '../../events/emit.ts';
import { boundedList } from '../../shared/limits.ts';
import { calendarDate } from '../../shared/temporal.ts';
import { described, parseInput } from '../../shared/validate.ts';
import type { Tenant } from '../../tenant/tenant.ts';
import { isValidTimeZone, minutesOf, type OpenInterval } from './calendar.ts';
import { complaintSettingsOf, weekdayNumber, weekdays, type ComplaintSettings, type MetricTargets } from './policy.ts';
import { retargetOpenClocks } from './clocks.service.ts';

/**
 * Settings are read on every filing and every lifecycle change, so they are cached per
 * database and organization. Another instance's update reaches this one when the entry
 * expires; this instance's own update replaces it at once.
 */
export const SETTINGS_CACHE_MS = 30_000;
const cacheOf = perDatabase(() => new Map<string, { settings: ComplaintSettings; until: number }>());

/** The organization's effective settings (defaults for what it has not set), from the cache when fresh. */
export async function settingsFor(db: Executor, tenant: Pick<Tenant, 'db' | 'orgId'>): Promise<ComplaintSettings> {
  const { orgId } = tenant;
  const cache = cacheOf(tenant.db);
  const hit = cache.get(orgId);
  const now = Date.now(); // cache age is process time, not business time
  if (hit && hit.until > now) return hit.settings;
  const [row] = await db
    .select({ settings: organizations.complaintSettings })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .limit(1);
  const settings = complaintSettingsOf(row?.settings ?? null);
  cache.set(orgId, { settings, until: now + SETTINGS_CACHE_MS });
  return settings;
}

const hhmm = z.string().refine((v) => !Number.isNaN(minutesOf(v)), { message: 'must be a time written HH:MM, 00:00 to 24:00', abort: true });

const openHoursInput = z
  .object({
    weekday: described(z.enum(weekdays), 'The day of the week.'),
    start: described(hhmm, 'Opens at, local wall time HH:MM.'),
    end: described(hhmm, 'Closes at, local wall time HH:MM; 24:00 is the midnight after.'),
  })
  .refine((h) => minutesOf(h.end) > minutesOf(h.start), { message: 'must end after it starts', path: ['end'] })
  .meta({ title: 'OpenHoursInput', description: 'Open hours on one day of the week, in the calendar’s time zone.' });

const seconds = (what: string) =>
  described(
    z.number().int().min(60, 'must be at least 60 seconds').max(366 * 86_400, 'must be at most a year').optional(),
    `${what}, in business seconds (60 s to a year); omitted keeps the current target.`,
  );
const metricTargetsInput = z
  .object({
    firstResponseSeconds: seconds('Until the first customer-visible answer'),
    nextReplySeconds: seconds('Until staff answer a customer’s reply'),
    resolutionSeconds: seconds('Until resolved (time awaiting the customer does not count)'),
  })
  .meta({ title: 'SlaTargetsInput', description: 'The targets of one severity.' });
const severityTargets = (severity: string) => described(metricTargetsInput.optional(), `Targets of ${severity} complaints.`);

const multiplier = (tier: string) =>
  described(
    z.number().min(0.05, 'must be at least 0.05').max(10, 'must be at most 10').optional(),
    `Every target of a tier-${tier} customer's complaint is multiplied by this (0.05 to 10).`,
  );

/** What updateComplaintSettings takes; every part is optional and an omitted part keeps its value. */
export const complaintSettingsInput = z
  .object({
    timeZone: described(
      z.string().refine(isValidTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin or Asia/Shanghai').optional(),
      'The IANA time zone open hours and holidays are counted in, e.g. Europe/Berlin.',
    ),
    openHours: described(
      boundedList(openHoursInput, 7 * 12).nullable().optional(),
      'Open intervals per weekday (several a day allowed, not overlapping); days not listed are closed. null: around the clock, every day.',
    ),
    holidays: described(
      boundedList(described(calendarDate(), 'A date closed all day.', { graphqlType: 'Date' }), 400).optional(),
      'Dates (in the time zone) closed all day, YYYY-MM-DD; replaces the list.',
    ),
    targets: described(
      z
        .object({
          critical: severityTargets('critical'),
          high: severityTargets('high'),
          medium: severityTargets('medium'),
          low: severityTargets('low'),
        })
        .optional(),
      'SLA targets per severity; a severity or metric omitted keeps its target.',
      { title: 'SlaPolicyTargetsInput' },
    ),
    tierMultipliers: described(
      z.object({ a: multiplier('A'), b: multiplier('B'), c: multiplier('C') }).optional(),
      'How a customer’s tier tightens the targets (default A × 0.5).',
      { title: 'TierMultipliersInput' },
    ),
    followUpDays: described(
      z.number().int().min(0, 'must not be negative').max(365, 'must be at most 365').optional(),
      'Days after closing when care should follow up (0 to 365).',
    ),
  })
  .superRefine((input, ctx) => {
    const byDay = new Map<string, { start: number; end: number; index: number }[]>();
    (input.openHours ?? []).forEach((h, index) => {
      const list = byDay.get(h.weekday) ?? [];
      list.push({ start: minutesOf(h.start), end: minutesOf(h.end), index });
      byDay.set(h.weekday, list);
    });
    for (const list of byDay.values()) {
      list.sort((x, y) => x.start - y.start);
      for (let i = 1; i < list.length; i++) {
        if (list[i]!.start < list[i - 1]!.end) {
          ctx.addIssue({ code: 'custom', path: ['openHours', list[i]!.index], message: 'overlaps another interval of the same day' });
        }
      }
    }
    if (input.openHours && input.openHours.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['openHours'], message: 'must name at least one interval (null: around the clock)' });
    }
  });
export type ComplaintSettingsInput = z.output<typeof complaintSettingsInput>;

const metricsOf = (current: MetricTargets, given?: { firstResponseSeconds?: number; nextReplySeconds?: number; resolutionSeconds?: number }) => ({
  first_response: given?.firstResponseSeconds ?? current.first_response,
  next_reply: given?.nextReplySeconds ?? current.next_reply,
  resolution: given?.resolutionSeconds ?? current.resolution,
});

/** The current settings with the given parts replaced. */
export function mergedSettings(current: ComplaintSettings, input: ComplaintSettingsInput): ComplaintSettings {
  const hours: OpenInterval[] | null | undefined =
    input.openHours === undefined
      ? undefined
      : input.openHours === null
        ? null
        : input.openHours.map((h) => ({ weekday: weekdayNumber(h.weekday), start: h.start, end: h.end }));
  return {
    calendar: {
      timeZone: input.timeZone ?? current.calendar.timeZone,
      hours: hours === undefined ? current.calendar.hours : hours,
      holidays: input.holidays ? [...new Set(input.holidays)].sort() : current.calendar.holidays,
    },
    targets: {
      critical: metricsOf(current.targets.critical, input.targets?.critical),
      high: metricsOf(current.targets.high, input.targets?.high),
      medium: metricsOf(current.targets.medium, input.targets?.medium),
      low: metricsOf(current.targets.low, input.targets?.low),
    },
    tierMultipliers: {
      A: input.tierMultipliers?.a ?? current.tierMultipliers.A,
      B: input.tierMultipliers?.b ?? current.tierMultipliers.B,
      C: input.tierMultipliers?.c ?? current.tierMultipliers.C,
    },
    followUpDays: input.followUpDays ?? current.followUpDays,
  };
}

/** The organization's effective settings, read fresh (staff looking at them want the stored ones). */
export async function complaintSettings(tenant: Tenant): Promise<ComplaintSettings> {
  const [row] = await tenant.db
    .select({ settings: organizations.complaintSettings })
    .from(organizations)
    .where(eq(organizations.id, tenant.orgId));
  return complaintSettingsOf(row?.settings ?? null);
}

/**
 * Replaces the given parts of the organization's settings. A policy change re-matches the
 * targets of every clock still running or paused, keeping the time each has used (an event per
 * complaint), in the same transaction.
 */
export async function updateComplaintSettings(tenant: Tenant, raw: unknown, path: string[] = ['input']): Promise<ComplaintSettings> {
  const input = parseInput(complaintSettingsInput, raw, path);
  const { db, orgId } = tenant;
  const settings = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ settings: organizations.complaintSettings })
      .from(organizations)
      .where(eq(organizations.id, orgId))
      .for('update');
    const next = mergedSettings(complaintSettingsOf(row?.settings ?? null), input);
    await tx
      .update(organizations)
      .set({ complaintSettings: next as unknown as Record<string, unknown> })
      .where(eq(organizations.id, orgId));
    await emit(tx, tenant, {
      type: 'organization.complaint_settings_updated',
      aggregateId: orgId,
      payload: { fields: Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined).sort() },
    });
    await retargetOpenClocks(tx, tenant, next);
    return next;
  });
  cacheOf(db).set(orgId, { settings, until: Date.now() + SETTINGS_CACHE_MS });
  return settings;
}
