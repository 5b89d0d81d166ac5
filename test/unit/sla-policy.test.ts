import { describe, expect, it } from 'vitest';
import { complaintSettingsOf, DEFAULT_SETTINGS, dueTimes, targetSeconds } from '../../server/complaints/sla/policy.ts';

const HOUR = 3600;

describe('SLA policy', () => {
  it('null settings are the defaults: 24/7 UTC, the issue’s targets, A × 0.5, follow-up after 3 days', () => {
    const settings = complaintSettingsOf(null);
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(settings.calendar).toEqual({ timeZone: 'UTC', hours: null, holidays: [] });
    expect(settings.followUpDays).toBe(3);
    const hours = (severity: 'critical' | 'high' | 'medium' | 'low') =>
      (['first_response', 'next_reply', 'resolution'] as const).map((m) => targetSeconds(settings, severity, null, m) / HOUR);
    expect(hours('critical')).toEqual([1, 1, 24]);
    expect(hours('high')).toEqual([4, 4, 48]);
    expect(hours('medium')).toEqual([8, 8, 72]);
    expect(hours('low')).toEqual([24, 24, 120]);
    expect(targetSeconds(settings, 'medium', 'A', 'resolution')).toBe(36 * HOUR);
    expect(targetSeconds(settings, 'medium', 'B', 'resolution')).toBe(72 * HOUR);
  });

  it('a part set is used, a missing or malformed part is the default', () => {
    const settings = complaintSettingsOf({
      calendar: { timeZone: 'Asia/Shanghai', hours: [{ weekday: 1, start: '09:00', end: '18:00' }, { weekday: 9, start: 'x', end: 'y' }] },
      targets: { high: { first_response: 600, resolution: -1 } },
      tierMultipliers: { B: 0.75, C: 'fast' },
      followUpDays: 5,
    });
    expect(settings.calendar).toEqual({ timeZone: 'Asia/Shanghai', hours: [{ weekday: 1, start: '09:00', end: '18:00' }], holidays: [] });
    expect(settings.targets.high).toEqual({ first_response: 600, next_reply: 4 * HOUR, resolution: 48 * HOUR });
    expect(settings.targets.low).toEqual(DEFAULT_SETTINGS.targets.low);
    expect(settings.tierMultipliers).toEqual({ A: 0.5, B: 0.75, C: 1 });
    expect(settings.followUpDays).toBe(5);
    expect(complaintSettingsOf('nonsense')).toEqual(DEFAULT_SETTINGS);
  });

  it('due and warning times: 80% of the target, counting the time already used', () => {
    const cal = DEFAULT_SETTINGS.calendar;
    const from = new Date('2026-12-07T09:00:00Z');
    expect(dueTimes(cal, from, 0, 10 * HOUR)).toEqual({ dueAt: new Date('2026-12-07T19:00:00Z'), warnAt: new Date('2026-12-07T17:00:00Z') });
    expect(dueTimes(cal, from, 4 * HOUR, 10 * HOUR)).toEqual({ dueAt: new Date('2026-12-07T15:00:00Z'), warnAt: new Date('2026-12-07T13:00:00Z') });
    // Already over: due (and warned) at once.
    expect(dueTimes(cal, from, 11 * HOUR, 10 * HOUR)).toEqual({ dueAt: from, warnAt: from });
  });
});
