import { eq } from 'drizzle-orm';
import { IANAZone } from 'luxon';
import { organizations } from '../db/tables/index.ts';
import type { Executor } from '../db/transaction.ts';
import { isCalendarDate } from '../shared/temporal.ts';
import type { CareSettings, Holiday } from './engine/types.ts';

/** At most 2 planned touchpoints per customer in any 7 days, across plans (issue 11's default). */
export const DEFAULT_FATIGUE_CAP = { maxTouchpoints: 2, perDays: 7 } as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, max: number): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;

/**
 * An organization's care settings with defaults for what it has not set: its time zone
 * (organizations.time_zone, UTC by default), the fatigue cap, the holiday list. The service
 * writes only validated settings; a part that does not read (written by hand) gets its default
 * rather than failing every scheduler run.
 */
export function careSettingsOf(org: { timeZone: string | null; careSettings: unknown }): CareSettings {
  const stored = isRecord(org.careSettings) ? org.careSettings : {};
  const cap = isRecord(stored.fatigueCap) ? stored.fatigueCap : {};
  return {
    timeZone: org.timeZone && IANAZone.isValidZone(org.timeZone) ? org.timeZone : 'UTC',
    fatigueCap:
      isCount(cap.maxTouchpoints, 1000) && isCount(cap.perDays, 3650)
        ? { maxTouchpoints: cap.maxTouchpoints, perDays: cap.perDays }
        : { ...DEFAULT_FATIGUE_CAP },
    holidays: Array.isArray(stored.holidays) ? stored.holidays.flatMap(holidayOf) : [],
  };
}

function holidayOf(value: unknown): Holiday[] {
  if (!isRecord(value) || typeof value.key !== 'string' || typeof value.name !== 'string') return [];
  const { key, name } = value;
  if (Array.isArray(value.dates)) {
    return [{ key, name, dates: value.dates.filter((d): d is string => typeof d === 'string' && isCalendarDate(d)).sort() }];
  }
  if (isCount(value.month, 12) && isCount(value.day, 31)) return [{ key, name, month: value.month, day: value.day }];
  return [];
}

/** The organization's care settings, read now (the scheduler reads them once per org and run). */
export async function readCareSettings(db: Executor, orgId: string): Promise<CareSettings> {
  const [row] = await db
    .select({ timeZone: organizations.timeZone, careSettings: organizations.careSettings })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .limit(1);
  return careSettingsOf(row ?? { timeZone: null, careSettings: null });
}
