import { DateTime, IANAZone } from 'luxon';

/**
 * Local dates (ISO `YYYY-MM-DD`, no zone) and the instant a wall time falls at on one of them.
 * Dates are stepped as UTC calendar days so no zone's daylight saving can shift them.
 */

const DAY_MS = 86_400_000;

/** The local date an instant falls on in `zone`. */
export function localDateOf(instant: Date | string, zone: string): string {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

/** The local wall time "HH:MM" of an instant in `zone`. */
export function localTimeOf(instant: Date | string, zone: string): string {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  return DateTime.fromJSDate(at, { zone }).toFormat('HH:mm');
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** `YYYY-MM-DD` for a month and day of a year; 29 February becomes 28 February in a non-leap year. */
export function annualDate(year: number, month: number, day: number): string {
  const d = month === 2 && day === 29 && !isLeapYear(year) ? 28 : day;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * The instant wall time `hhmm` falls at on local `date` in `zone`.
 * - A wall time that does not exist (the hour skipped when clocks go forward) moves forward by
 *   the gap: 02:30 on 2027-03-14 in America/New_York is 03:30 EDT (luxon's rule, kept).
 * - A wall time that happens twice (the hour repeated when clocks go back) is the first of the
 *   two: 01:30 on 2027-11-07 in America/New_York is 01:30 EDT (luxon alone picks the second).
 */
export function instantAt(date: string, hhmm: string, zone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const tz = IANAZone.create(zone);
  // The offsets in force around that day; a wall time is valid under an offset when the instant
  // it gives really has that offset. Two valid ones = the repeated hour: take the earlier instant.
  const candidates = new Set([tz.offset(wall - DAY_MS), tz.offset(wall), tz.offset(wall + DAY_MS)]);
  let best: number | null = null;
  for (const offset of candidates) {
    const ts = wall - offset * 60_000;
    if (tz.offset(ts) === offset && (best === null || ts < best)) best = ts;
  }
  if (best !== null) return new Date(best);
  return DateTime.fromObject({ year, month, day, hour, minute }, { zone }).toJSDate();
}
