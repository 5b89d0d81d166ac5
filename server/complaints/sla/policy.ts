import { complaintSeverities, customerTiers, slaMetrics } from '../../db/tables/index.ts';
import { addBusinessSeconds, DEFAULT_CALENDAR, minutesOf, type BusinessCalendar, type OpenInterval, type Weekday } from './calendar.ts';

export type Severity = (typeof complaintSeverities)[number];
export type Tier = (typeof customerTiers)[number];
export type SlaMetric = (typeof slaMetrics)[number];

/** Targets of one severity, in business seconds. */
export type MetricTargets = Record<SlaMetric, number>;

/**
 * An organization's complaint handling settings, with every part filled in: what
 * `organizations.complaint_settings` holds (null or any missing part = these defaults).
 */
export interface ComplaintSettings {
  calendar: BusinessCalendar;
  /** Per severity: first response, next reply, resolution. */
  targets: Record<Severity, MetricTargets>;
  /** A customer's tier tightens (or loosens) every target: target × multiplier. */
  tierMultipliers: Record<Tier, number>;
  /** Days after closing when care should follow up (complaints.follow_up_due_at). */
  followUpDays: number;
}

const HOUR = 3600;
const t = (firstResponse: number, nextReply: number, resolution: number): MetricTargets => ({
  first_response: firstResponse * HOUR,
  next_reply: nextReply * HOUR,
  resolution: resolution * HOUR,
});

export const DEFAULT_SETTINGS: ComplaintSettings = Object.freeze({
  calendar: DEFAULT_CALENDAR,
  targets: { critical: t(1, 1, 24), high: t(4, 4, 48), medium: t(8, 8, 72), low: t(24, 24, 120) },
  tierMultipliers: { A: 0.5, B: 1, C: 1 },
  followUpDays: 3,
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * The effective settings from the stored jsonb: each part the organization set, the default for
 * the rest. Lenient on purpose (a part that does not read as expected falls back to its default):
 * what is stored was validated on the way in, and a read must never fail a complaint's filing.
 */
export function complaintSettingsOf(stored: unknown): ComplaintSettings {
  if (!isRecord(stored)) return DEFAULT_SETTINGS;
  const calendar = isRecord(stored.calendar) ? stored.calendar : {};
  const hours = Array.isArray(calendar.hours)
    ? (calendar.hours as unknown[]).filter(
        (h): h is OpenInterval =>
          isRecord(h) &&
          Number.isInteger(h.weekday) &&
          (h.weekday as number) >= 1 &&
          (h.weekday as number) <= 7 &&
          typeof h.start === 'string' &&
          typeof h.end === 'string' &&
          minutesOf(h.end) > minutesOf(h.start),
      )
    : null;
  const targets = isRecord(stored.targets) ? stored.targets : {};
  const tiers = isRecord(stored.tierMultipliers) ? stored.tierMultipliers : {};
  return {
    calendar: {
      timeZone: typeof calendar.timeZone === 'string' ? calendar.timeZone : DEFAULT_CALENDAR.timeZone,
      hours: hours && hours.length ? hours : null,
      holidays: Array.isArray(calendar.holidays) ? calendar.holidays.filter((d): d is string => typeof d === 'string') : [],
    },
    targets: Object.fromEntries(
      complaintSeverities.map((severity) => {
        const own = isRecord(targets[severity]) ? (targets[severity] as Record<string, unknown>) : {};
        const fallback = DEFAULT_SETTINGS.targets[severity];
        return [severity, Object.fromEntries(slaMetrics.map((m) => [m, positive(own[m]) ? Math.round(own[m]) : fallback[m]]))];
      }),
    ) as ComplaintSettings['targets'],
    tierMultipliers: Object.fromEntries(
      customerTiers.map((tier) => [tier, positive(tiers[tier]) ? tiers[tier] : DEFAULT_SETTINGS.tierMultipliers[tier]]),
    ) as ComplaintSettings['tierMultipliers'],
    followUpDays: positive(stored.followUpDays) ? stored.followUpDays : DEFAULT_SETTINGS.followUpDays,
  };
}

/** The target of one metric for a complaint of this severity and customer tier (no tier: × 1), at least 1 s. */
export function targetSeconds(settings: ComplaintSettings, severity: Severity, tier: Tier | null | undefined, metric: SlaMetric): number {
  const multiplier = tier ? settings.tierMultipliers[tier] : 1;
  return Math.max(1, Math.round(settings.targets[severity][metric] * multiplier));
}

/** Share of a target after which the warning event goes out. */
export const WARN_SHARE = 0.8;

export const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type WeekdayName = (typeof weekdays)[number];
export const weekdayNumber = (name: WeekdayName) => (weekdays.indexOf(name) + 1) as Weekday;
export const weekdayName = (n: Weekday): WeekdayName => weekdays[n - 1]!;

/**
 * When a clock that has used `used` of `target` business seconds and runs again since
 * `runningSince` is due, and when it reaches the warning share. Already over: due at once.
 */
export function dueTimes(calendar: BusinessCalendar, runningSince: Date, used: number, target: number): { dueAt: Date; warnAt: Date } {
  return {
    dueAt: addBusinessSeconds(calendar, runningSince, target - used),
    warnAt: addBusinessSeconds(calendar, runningSince, Math.ceil(target * WARN_SHARE) - used),
  };
}
