import { DateTime, IANAZone } from 'luxon';

/** ISO weekday: 1 = Monday … 7 = Sunday (luxon's numbering). */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Open hours on one weekday, local wall time "HH:MM"; `end` may be "24:00" (midnight after). */
export interface OpenInterval {
  weekday: Weekday;
  start: string;
  end: string;
}

/**
 * When business time runs: an IANA time zone, open intervals per weekday (null = around the
 * clock, every day) and holidays (local dates, closed all day).
 */
export interface BusinessCalendar {
  timeZone: string;
  hours: OpenInterval[] | null;
  holidays: string[];
}

export const DEFAULT_CALENDAR: BusinessCalendar = { timeZone: 'UTC', hours: null, holidays: [] };

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** Minutes after local midnight for "HH:MM" ("24:00" = 1440); NaN when malformed. */
export function minutesOf(hhmm: string): number {
  if (!HHMM.test(hhmm)) return Number.NaN;
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** A calendar made ready for stepping: intervals as minute pairs per weekday, sorted; holidays as a set. */
interface Compiled {
  zone: string;
  /** Index 1..7; null = open around the clock. */
  days: ([number, number][] | null)[];
  holidays: Set<string>;
  /** No holidays and 24/7: business time is elapsed time. */
  continuous: boolean;
  /** Local days already worked out, by the instant they start: luxon is the slow part (~0.1 ms a day). */
  dayCache: Map<number, Day>;
}

interface Day {
  /** Open intervals as instants [start, end) in ms. */
  open: [number, number][];
  /** The instant the next local day starts. */
  next: number;
}

/** Days kept per calendar before the cache starts over (a few years of days; a filing touches a handful). */
const DAY_CACHE_MAX = 4096;

const compiledCache = new WeakMap<BusinessCalendar, Compiled>();

function compile(calendar: BusinessCalendar): Compiled {
  const cached = compiledCache.get(calendar);
  if (cached) return cached;
  const days: ([number, number][] | null)[] = Array.from({ length: 8 }, () => (calendar.hours ? [] : null));
  for (const interval of calendar.hours ?? []) {
    const start = minutesOf(interval.start);
    const end = minutesOf(interval.end);
    if (!(end > start)) throw new RangeError(`bad interval ${interval.start}-${interval.end}`);
    days[interval.weekday]!.push([start, end]);
  }
  for (const day of days) day?.sort((a, b) => a[0] - b[0]);
  const compiled: Compiled = {
    zone: calendar.timeZone,
    days,
    holidays: new Set(calendar.holidays),
    continuous: calendar.hours === null && calendar.holidays.length === 0,
    dayCache: new Map(),
  };
  compiledCache.set(calendar, compiled);
  return compiled;
}

/** The instant of local minute `minute` (0..1440) on local day `day` (a start of day in the zone). */
function instantAt(day: DateTime, minute: number): number {
  if (minute >= 1440) return day.plus({ days: 1 }).toMillis();
  // Built from wall time (not start + minutes): on a DST day 09:00 is still 09:00. A wall time
  // that does not exist (spring forward) is moved forward by luxon.
  return day.set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis();
}

/** The local day that starts at `start` (an instant that is a local midnight, or the day's first instant). */
function dayAt(c: Compiled, start: number): Day {
  let day = c.dayCache.get(start);
  if (day) return day;
  const local = DateTime.fromMillis(start, { zone: c.zone });
  const next = local.plus({ days: 1 }).startOf('day').toMillis();
  const intervals = c.days[local.weekday];
  const open: [number, number][] =
    c.holidays.size && c.holidays.has(local.toISODate()!)
      ? []
      : intervals === null || intervals === undefined
        ? [[start, next]]
        : intervals.map(([s, e]) => [instantAt(local, s), e >= 1440 ? next : instantAt(local, e)]);
  day = { open, next };
  if (c.dayCache.size >= DAY_CACHE_MAX) c.dayCache.clear();
  c.dayCache.set(start, day);
  return day;
}

/** The instant the local day holding `ms` starts. */
const startOfDay = (c: Compiled, ms: number) => DateTime.fromMillis(ms, { zone: c.zone }).startOf('day').toMillis();

/** Days looked at before giving up: a calendar open never (all holidays) must not loop forever. */
const MAX_DAYS = 3660;

/**
 * The instant at which `seconds` business seconds after `from` have passed. Steps a day and an
 * interval at a time (never minute by minute), so a 120 h target on 8 h days is ~21 steps.
 * A start outside open hours counts from the next opening. Zero seconds: `from` itself.
 */
export function addBusinessSeconds(calendar: BusinessCalendar, from: Date, seconds: number): Date {
  const c = compile(calendar);
  let remaining = Math.max(0, seconds) * 1000;
  const fromMs = from.getTime();
  if (remaining === 0) return new Date(fromMs);
  if (c.continuous) return new Date(fromMs + remaining);
  let start = startOfDay(c, fromMs);
  for (let i = 0; i < MAX_DAYS; i++) {
    const day = dayAt(c, start);
    start = day.next;
    for (const [s, e] of day.open) {
      const start = Math.max(s, fromMs);
      if (e <= start) continue;
      if (remaining <= e - start) return new Date(start + remaining);
      remaining -= e - start;
    }
  }
  throw new RangeError(`the calendar has no open time in ${MAX_DAYS} days`);
}

/** Business seconds between two instants (0 when `to` is not after `from`), whole seconds rounded down. */
export function businessSecondsBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  const c = compile(calendar);
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (toMs <= fromMs) return 0;
  if (c.continuous) return Math.floor((toMs - fromMs) / 1000);
  let total = 0;
  for (let start = startOfDay(c, fromMs); start < toMs; ) {
    const day = dayAt(c, start);
    for (const [s, e] of day.open) {
      const from = Math.max(s, fromMs);
      const end = Math.min(e, toMs);
      if (end > from) total += end - from;
    }
    start = day.next;
  }
  return Math.floor(total / 1000);
}
