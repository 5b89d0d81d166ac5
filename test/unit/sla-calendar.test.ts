import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessSeconds,
  businessSecondsBetween,
  DEFAULT_CALENDAR,
  isValidTimeZone,
  type BusinessCalendar,
  type OpenInterval,
  type Weekday,
} from '../../server/complaints/sla/calendar.ts';

const HOUR = 3600;
const weekdays: Weekday[] = [1, 2, 3, 4, 5];
const allDays: Weekday[] = [1, 2, 3, 4, 5, 6, 7];
const hours = (days: Weekday[], ...ranges: [string, string][]): OpenInterval[] =>
  days.flatMap((weekday) => ranges.map(([start, end]) => ({ weekday, start, end })));
const calendar = (timeZone: string, open: OpenInterval[] | null, holidays: string[] = []): BusinessCalendar => ({
  timeZone,
  hours: open,
  holidays,
});
const officeUtc = calendar('UTC', hours(weekdays, ['09:00', '17:00']));
const add = (cal: BusinessCalendar, from: string, seconds: number) => addBusinessSeconds(cal, new Date(from), seconds).toISOString();
const between = (cal: BusinessCalendar, from: string, to: string) => businessSecondsBetween(cal, new Date(from), new Date(to));

describe('business calendar', () => {
  it('Friday 16:30 + 1 business hour on Mon–Fri 09:00–17:00 is Monday 09:30', () => {
    // 2026-12-04 is a Friday.
    expect(add(officeUtc, '2026-12-04T16:30:00Z', HOUR)).toBe('2026-12-07T09:30:00.000Z');
    expect(between(officeUtc, '2026-12-04T16:30:00Z', '2026-12-07T09:30:00Z')).toBe(HOUR);
    // The same in a zone: 16:30 Berlin (15:30Z) on a Friday → Monday 09:30 Berlin (08:30Z).
    const berlin = calendar('Europe/Berlin', hours(weekdays, ['09:00', '17:00']));
    expect(add(berlin, '2026-12-04T15:30:00Z', HOUR)).toBe('2026-12-07T08:30:00.000Z');
  });

  it('24/7 in UTC (the default) has no gap at midnight', () => {
    expect(add(DEFAULT_CALENDAR, '2026-12-04T23:30:00Z', HOUR)).toBe('2026-12-05T00:30:00.000Z');
    expect(between(DEFAULT_CALENDAR, '2026-12-04T23:00:00Z', '2026-12-05T01:00:00Z')).toBe(2 * HOUR);
    // Spelled out as 00:00–24:00 every day (the stepping path), still no gap.
    const spelled = calendar('UTC', hours(allDays, ['00:00', '24:00']));
    expect(add(spelled, '2026-12-04T23:30:00Z', HOUR)).toBe('2026-12-05T00:30:00.000Z');
    expect(between(spelled, '2026-12-04T23:00:00Z', '2026-12-06T01:00:00Z')).toBe(26 * HOUR);
  });

  it('Europe/Berlin spring forward (2026-03-29): the day has 23 open hours, and 09:00 is still 09:00', () => {
    const aroundTheClock = calendar('Europe/Berlin', hours(allDays, ['00:00', '24:00']));
    // Local midnight to midnight: 2026-03-28T23:00Z (CET) to 2026-03-29T22:00Z (CEST).
    expect(between(aroundTheClock, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toBe(23 * HOUR);
    const office = calendar('Europe/Berlin', hours(allDays, ['09:00', '17:00']));
    // Saturday 16:00 CET (15:00Z) + 2 h: one hour Saturday, Sunday opens at 09:00 CEST (07:00Z).
    expect(add(office, '2026-03-28T15:00:00Z', 2 * HOUR)).toBe('2026-03-29T08:00:00.000Z');
    expect(between(office, '2026-03-28T15:00:00Z', '2026-03-29T08:00:00Z')).toBe(2 * HOUR);
    // An interval across the missing hour (01:00–04:00 local) is two real hours that day.
    const night = calendar('Europe/Berlin', hours(allDays, ['01:00', '04:00']));
    expect(between(night, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toBe(2 * HOUR);
  });

  it('Europe/Berlin fall back (2026-10-25): the day has 25 open hours', () => {
    const aroundTheClock = calendar('Europe/Berlin', hours(allDays, ['00:00', '24:00']));
    expect(between(aroundTheClock, '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z')).toBe(25 * HOUR);
    const office = calendar('Europe/Berlin', hours(allDays, ['09:00', '17:00']));
    // Saturday 16:00 CEST (14:00Z) + 2 h → Sunday 10:00 CET (09:00Z).
    expect(add(office, '2026-10-24T14:00:00Z', 2 * HOUR)).toBe('2026-10-25T09:00:00.000Z');
  });

  it('America/New_York (DST from 2026-03-08, back on 2026-11-01)', () => {
    const office = calendar('America/New_York', hours(weekdays, ['09:00', '17:00']));
    // Friday 16:30 EST (21:30Z) + 1 h → Monday 09:30 EDT (13:30Z).
    expect(add(office, '2026-03-06T21:30:00Z', HOUR)).toBe('2026-03-09T13:30:00.000Z');
    // Friday 16:30 EDT (20:30Z) + 1 h → Monday 09:30 EST (14:30Z).
    expect(add(office, '2026-10-30T20:30:00Z', HOUR)).toBe('2026-11-02T14:30:00.000Z');
    const night = calendar('America/New_York', hours(allDays, ['01:00', '04:00']));
    expect(between(night, '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z')).toBe(2 * HOUR);
    expect(between(night, '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z')).toBe(4 * HOUR);
  });

  it('a holiday is closed all day (a local date)', () => {
    const withHoliday = calendar('UTC', hours(weekdays, ['09:00', '17:00']), ['2026-12-07']);
    expect(add(withHoliday, '2026-12-04T16:30:00Z', HOUR)).toBe('2026-12-08T09:30:00.000Z');
    expect(between(withHoliday, '2026-12-04T16:30:00Z', '2026-12-08T09:30:00Z')).toBe(HOUR);
    // A holiday is a date in the calendar's zone: 2026-12-07 in Tokyo starts at 2026-12-06T15:00Z.
    const tokyo = calendar('Asia/Tokyo', null, ['2026-12-07']);
    expect(add(tokyo, '2026-12-06T14:30:00Z', HOUR)).toBe('2026-12-07T15:30:00.000Z');
  });

  it('several intervals a day (09:00–12:00, 13:00–17:00) skip the lunch break', () => {
    const split = calendar('UTC', hours(weekdays, ['09:00', '12:00'], ['13:00', '17:00']));
    expect(add(split, '2026-12-07T11:30:00Z', HOUR)).toBe('2026-12-07T13:30:00.000Z');
    expect(between(split, '2026-12-07T11:30:00Z', '2026-12-07T13:30:00Z')).toBe(HOUR);
    expect(between(split, '2026-12-07T00:00:00Z', '2026-12-08T00:00:00Z')).toBe(7 * HOUR);
    // Given out of order, the same.
    const unordered = calendar('UTC', hours(weekdays, ['13:00', '17:00'], ['09:00', '12:00']));
    expect(add(unordered, '2026-12-07T11:30:00Z', HOUR)).toBe('2026-12-07T13:30:00.000Z');
  });

  it('a start outside open hours counts from the next opening', () => {
    expect(add(officeUtc, '2026-12-05T10:00:00Z', HOUR)).toBe('2026-12-07T10:00:00.000Z'); // Saturday
    expect(add(officeUtc, '2026-12-07T07:00:00Z', HOUR)).toBe('2026-12-07T10:00:00.000Z'); // before opening
    expect(add(officeUtc, '2026-12-07T18:00:00Z', HOUR)).toBe('2026-12-08T10:00:00.000Z'); // after closing
    expect(between(officeUtc, '2026-12-05T10:00:00Z', '2026-12-06T23:00:00Z')).toBe(0);
    const split = calendar('UTC', hours(weekdays, ['09:00', '12:00'], ['13:00', '17:00']));
    expect(add(split, '2026-12-07T12:30:00Z', 1800)).toBe('2026-12-07T13:30:00.000Z');
  });

  it('zero or negative time is the start itself; a target ending at closing time is due at closing', () => {
    expect(add(officeUtc, '2026-12-05T10:00:00Z', 0)).toBe('2026-12-05T10:00:00.000Z');
    expect(add(officeUtc, '2026-12-07T10:00:00Z', -5)).toBe('2026-12-07T10:00:00.000Z');
    expect(add(officeUtc, '2026-12-07T16:00:00Z', HOUR)).toBe('2026-12-07T17:00:00.000Z');
    expect(between(officeUtc, '2026-12-07T10:00:00Z', '2026-12-07T09:00:00Z')).toBe(0);
  });

  it('a large target (120 h on 8 h days) steps interval by interval, fast', () => {
    // Monday 09:00 + 120 business hours = 15 working days = Friday of the third week, 17:00.
    expect(add(officeUtc, '2026-12-07T09:00:00Z', 120 * HOUR)).toBe('2026-12-25T17:00:00.000Z');
    const split = calendar('Europe/Berlin', hours(weekdays, ['09:00', '12:00'], ['13:00', '17:00']), ['2026-12-24', '2026-12-25']);
    // Cold: a new calendar each time, so every day is worked out again (~25 days a call; minute
    // by minute it would be ~36,000 steps a call).
    let started = performance.now();
    for (let i = 0; i < 100; i++) addBusinessSeconds({ ...split }, new Date(Date.UTC(2026, 11, 1, i % 24)), 120 * HOUR);
    const cold = performance.now() - started;
    expect(cold).toBeLessThan(5000); // a loaded 2-core machine; minute by minute it would take minutes
    // Warm: the days are cached per calendar, as for the filings of one organization.
    started = performance.now();
    for (let i = 0; i < 1000; i++) addBusinessSeconds(split, new Date(Date.UTC(2026, 11, 1, i % 24)), 120 * HOUR);
    const warm = performance.now() - started;
    expect(warm).toBeLessThan(1500);
    console.info(`120 h on a split Berlin calendar: ${(cold / 100).toFixed(2)} ms a call cold, ${(warm / 1000).toFixed(3)} ms warm`);
  });

  it('a calendar with no open time at all is refused, not looped on forever', () => {
    const closed = calendar('UTC', hours([1], ['09:00', '10:00']));
    closed.holidays = [];
    expect(() => addBusinessSeconds({ ...closed, hours: [] }, new Date('2026-12-07T00:00:00Z'), 60)).toThrow(/no open time/);
  });

  it('between(from, add(from, s)) = s for any start and amount (property)', () => {
    const cals = [
      officeUtc,
      calendar('Europe/Berlin', hours(weekdays, ['09:00', '12:00'], ['13:00', '17:30']), ['2026-03-30']),
      calendar('America/New_York', hours([1, 2, 3, 4, 5, 6], ['08:00', '20:00'])),
      calendar('Asia/Kolkata', hours(allDays, ['00:00', '24:00']), ['2026-10-25']),
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: cals.length - 1 }),
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) }),
        fc.integer({ min: 1, max: 200 * HOUR }),
        (which, fromMs, seconds) => {
          const cal = cals[which]!;
          const from = new Date(Math.floor(fromMs / 1000) * 1000);
          const due = addBusinessSeconds(cal, from, seconds);
          expect(businessSecondsBetween(cal, from, due)).toBe(seconds);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('time zones are checked against the IANA database', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
