/**
 * The one source of business time (filed, received, due, greeted, breached). Services read it
 * from the request context or the job context, never from SQL `now()`, a column default or
 * `Date.now()`, so tests can drive SLAs and schedules with a TestClock instead of sleeping.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** Wall-clock time: what production runs on. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until a test moves it. */
export class TestClock implements Clock {
  #ms: number;

  /** Starts at `start`, by default the real time of its creation (customer tokens signed by tests stay valid). */
  constructor(start: Date | string | number = Date.now()) {
    this.#ms = toMs(start);
  }

  now(): Date {
    return new Date(this.#ms);
  }

  /** Jumps to `instant`. */
  set(instant: Date | string | number): void {
    this.#ms = toMs(instant);
  }

  /** Moves forward by `ms` milliseconds (or by { days, hours, minutes, seconds }). */
  advance(by: number | { days?: number; hours?: number; minutes?: number; seconds?: number }): void {
    const ms =
      typeof by === 'number'
        ? by
        : (((by.days ?? 0) * 24 + (by.hours ?? 0)) * 60 + (by.minutes ?? 0)) * 60_000 + (by.seconds ?? 0) * 1000;
    if (!Number.isFinite(ms)) throw new RangeError('advance needs a finite duration');
    this.#ms += ms;
  }
}

function toMs(instant: Date | string | number): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return ms;
}

/** The clock's instant as PostgreSQL timestamptz text (ISO 8601, UTC), as the tables' string mode stores it. */
export const isoNow = (clock: Clock): string => clock.now().toISOString();
