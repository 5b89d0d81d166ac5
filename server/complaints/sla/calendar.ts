import { IANAZone } from 'luxon';

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
  zone: IANAZone;
  /** Index 1..7; null = open around the clock. */
  days: ([number, number][] | null)[];
  holidays: Set<string>;
  /** No holidays and 24/7: business time is elapsed time. */
  continuous: boolean;
  /** Local days already worked out, by their wall midnight. */
  dayCache: Map<number, Day>;
  offsets: Map<number, number>;
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
    zone: IANAZone.create(calendar.timeZone),
    days,
    holidays: new Set(calendar.holidays),
    continuous: calendar.hours === null && calendar.holidays.length === 0,
    dayCache: new Map(),
    offsets: new Map(),
  };
  compiledCache.set(calendar, compiled);
  return compiled;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The instant of a local wall time, given as if it were UTC (`Date.UTC(y, m, d, h, min)`): the
 * zone's offset is looked up (luxon's IANAZone, a cached Intl formatter) rather than building
 * luxon DateTimes, which cost ~0.1 ms a day. On a DST day 09:00 is still 09:00; a wall time that
 * does not exist (spring forward) moves forward by the gap, as luxon does; an ambiguous one (fall
 * back) is the earlier instant.
 */
function instantOfWall(c: Compiled, wallMs: number): number {
  // The offsets a day either side (zones change offset at most once a day): each is a candidate.
  const before = offsetAt(c, wallMs - DAY_MS);
  const after = offsetAt(c, wallMs + DAY_MS);
  if (before === after) return wallMs - before * MINUTE_MS;
  const valid = [before, after].filter((o) => offsetAt(c, wallMs - o * MINUTE_MS) === o).map((o) => wallMs - o * MINUTE_MS);
  // Ambiguous (two instants): the earlier. In the gap (none): past it, by the earlier offset.
  return valid.length ? Math.min(...valid) : wallMs - Math.min(before, after) * MINUTE_MS;
}

/** The zone's offset in minutes at an instant, remembered per calendar (each lookup is ~16 µs). */
function offsetAt(c: Compiled, ms: number): number {
  let offset = c.offsets.get(ms);
  if (offset === undefined) {
    offset = c.zone.offset(ms);
    if (c.offsets.size >= DAY_CACHE_MAX * 4) c.offsets.clear();
    c.offsets.set(ms, offset);
  }
  return offset;
}

/** The local wall time (as a UTC-ms number) of an instant. */
const wallOf = (c: Compiled, ms: number) => ms + c.zone.offset(ms) * MINUTE_MS;

/** The local day that starts at wall midnight `wallDay` (a UTC-ms number at 00:00). */
function dayAt(c: Compiled, wallDay: number): Day {
  let day = c.dayCache.get(wallDay);
  if (day) return day;
  const date = new Date(wallDay);
  const start = instantOfWall(c, wallDay);
  const next = instantOfWall(c, wallDay + DAY_MS);
  // Most days have one offset from start to end: every wall time is then a subtraction.
  const offset = c.zone.offset(start);
  const steady = offset === c.zone.offset(next - 1);
  const at = (minute: number) => (steady ? wallDay + (minute - offset) * MINUTE_MS : instantOfWall(c, wallDay + minute * MINUTE_MS));
  const weekday = (((date.getUTCDay() + 6) % 7) + 1) as Weekday;
  const intervals = c.days[weekday];
  const open: [number, number][] =
    c.holidays.size && c.holidays.has(date.toISOString().slice(0, 10))
      ? []
      : intervals === null || intervals === undefined
        ? [[start, next]]
        : intervals.map(([s, e]) => [at(s), e >= 1440 ? next : at(e)]);
  day = { open, next };
  if (c.dayCache.size >= DAY_CACHE_MAX) c.dayCache.clear();
  c.dayCache.set(wallDay, day);
  return day;
}

/** Wall midnight (UTC-ms number) of the local day holding instant `ms`. */
const wallDayOf = (c: Compiled, ms: number) => Math.floor(wallOf(c, ms) / DAY_MS) * DAY_MS;

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
  let wallDay = wallDayOf(c, fromMs);
  for (let i = 0; i < MAX_DAYS; i++, wallDay += DAY_MS) {
    const day = dayAt(c, wallDay);
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
  for (let wallDay = wallDayOf(c, fromMs); ; wallDay += DAY_MS) {
    const day = dayAt(c, wallDay);
    for (const [s, e] of day.open) {
      const from = Math.max(s, fromMs);
      const end = Math.min(e, toMs);
      if (end > from) total += end - from;
    }
    if (day.next >= toMs) break;
  }
  return Math.floor(total / 1000);
}
