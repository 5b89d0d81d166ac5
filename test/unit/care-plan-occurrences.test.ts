import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { occurrencesBetween } from '../../server/care-plans/engine/occurrences.ts';
import type {
  CarePlanDefinition,
  CarePlanTrigger,
  CareSettings,
  CustomerFacts,
} from '../../server/care-plans/engine/types.ts';

// Calendar facts the expectations below lean on (worked out by hand, not by the code under test):
// 2027-01-01 is a Friday, so 2027-02-28 is a Sunday and 2027-03-01 a Monday; 2027-03-14 is the
// second Sunday of March (New York springs forward 02:00 → 03:00); 2027-11-07 the first Sunday
// of November (01:00–02:00 happens twice). Shanghai is UTC+8 all year; Auckland is UTC+13
// (NZDT) from late September to early April.

const settings: CareSettings = { timeZone: 'UTC', fatigueCap: { maxTouchpoints: 2, perDays: 7 }, holidays: [] };

function plan(trigger: CarePlanTrigger, overrides: Partial<CarePlanDefinition> & { localTime?: string; weekdays?: number[] } = {}): CarePlanDefinition {
  const { localTime = '09:00', weekdays = [], ...rest } = overrides;
  return {
    id: 'plan-1',
    orgId: 'org-1',
    name: 'Plan',
    active: true,
    trigger,
    audience: { tiers: [], lifecycleStages: [], tags: [], specialNeeds: [], siteIds: [] },
    action: {
      channel: 'phone',
      kind: 'follow_up',
      stage: null,
      automated: false,
      templates: {},
      leadTimeSeconds: 0,
      localTime,
    },
    quietRules: { weekdays, minDaysSinceContact: 0 },
    exits: { onContact: true, onOpenComplaint: true, onAudienceLeft: true },
    assigneeAgentId: null,
    assigneeTeamId: null,
    maxLatenessSeconds: 86_400,
    createdAt: '2020-01-01T00:00:00.000Z',
    ...rest,
  };
}

function facts(overrides: Partial<CustomerFacts> = {}): CustomerFacts {
  return {
    id: 'customer-1',
    name: 'Ada',
    locale: 'en',
    timeZone: 'UTC',
    birthday: null,
    createdAt: '2020-01-01T00:00:00.000Z',
    purchases: [],
    closedComplaints: [],
    lastContactAt: null,
    lastCompletedAt: null,
    ...overrides,
  };
}

/** [key, dueAt ISO] pairs: what the tests compare. */
function between(p: CarePlanDefinition, f: CustomerFacts, from: string, to: string, s: CareSettings = settings) {
  return occurrencesBetween(p, f, s, new Date(from), new Date(to)).map((o) => [o.key, o.dueAt.toISOString()]);
}

describe('birthday', () => {
  it('29 February is greeted on 28 February in non-leap years and on 29 February in leap years', () => {
    const f = facts({ birthday: '1992-02-29' });
    expect(between(plan({ type: 'birthday' }), f, '2027-01-01T00:00:00Z', '2029-01-01T00:00:00Z')).toEqual([
      ['birthday:2027-02-28', '2027-02-28T09:00:00.000Z'],
      ['birthday:2028-02-29', '2028-02-29T09:00:00.000Z'],
    ]);
    // 2100 is not a leap year (divisible by 100, not by 400); 2000 was.
    expect(between(plan({ type: 'birthday' }), f, '2100-01-01T00:00:00Z', '2100-12-31T00:00:00Z')).toEqual([
      ['birthday:2100-02-28', '2100-02-28T09:00:00.000Z'],
    ]);
  });

  it('a year boundary: a 1 January birthday falls in the window that holds 1 January, not the one ending at midnight', () => {
    const f = facts({ birthday: '1990-01-01' });
    const p = plan({ type: 'birthday' });
    expect(between(p, f, '2027-12-25T00:00:00Z', '2028-01-01T00:00:00Z')).toEqual([]);
    expect(between(p, f, '2027-12-31T00:00:00Z', '2028-01-02T00:00:00Z')).toEqual([
      ['birthday:2028-01-01', '2028-01-01T09:00:00.000Z'],
    ]);
    // 31 December in Shanghai at 00:00 is 16:00 UTC on the 30th.
    const dec31 = facts({ birthday: '1990-12-31', timeZone: 'Asia/Shanghai' });
    expect(between(plan({ type: 'birthday' }, { localTime: '00:00' }), dec31, '2027-12-30T00:00:00Z', '2028-01-02T00:00:00Z')).toEqual([
      ['birthday:2027-12-31', '2027-12-30T16:00:00.000Z'],
    ]);
  });

  it('a zone east of UTC at local midnight lands on the local day, and the next one is a year later, never in the past (monica#7382)', () => {
    const shanghai = facts({ birthday: '1990-03-01', timeZone: 'Asia/Shanghai' });
    const p = plan({ type: 'birthday' }, { localTime: '00:00' });
    // 2027-03-01 00:00 +08:00 = 2027-02-28 16:00 UTC: the key names the local day, 1 March.
    expect(between(p, shanghai, '2027-02-28T00:00:00Z', '2027-03-02T00:00:00Z')).toEqual([
      ['birthday:2027-03-01', '2027-02-28T16:00:00.000Z'],
    ]);
    // Asked a moment after it passed (10:00 UTC on 1 March, already 18:00 in Shanghai): the next
    // is 2028-03-01 local, 2028-02-29 16:00 UTC, not this year's again.
    const next = occurrencesBetween(p, shanghai, settings, new Date('2027-03-01T10:00:00Z'), new Date('2029-01-01T00:00:00Z'));
    expect(next[0]!.key).toBe('birthday:2028-03-01');
    expect(next[0]!.dueAt.toISOString()).toBe('2028-02-29T16:00:00.000Z');
    expect(next[0]!.dueAt.getTime()).toBeGreaterThan(Date.parse('2027-03-01T10:00:00Z'));

    // Auckland in March is +13:00: local midnight on 1 March is 11:00 UTC on 28 February.
    const auckland = facts({ birthday: '1990-03-01', timeZone: 'Pacific/Auckland' });
    expect(between(p, auckland, '2027-02-28T00:00:00Z', '2027-03-02T00:00:00Z')).toEqual([
      ['birthday:2027-03-01', '2027-02-28T11:00:00.000Z'],
    ]);
  });

  it('no greeting on or before the day of birth; no birthday, no occurrence', () => {
    const p = plan({ type: 'birthday' });
    expect(between(p, facts({ birthday: '2027-06-01' }), '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z')).toEqual([]);
    expect(between(p, facts({ birthday: '2027-06-01' }), '2028-01-01T00:00:00Z', '2029-01-01T00:00:00Z')).toEqual([
      ['birthday:2028-06-01', '2028-06-01T09:00:00.000Z'],
    ]);
    expect(between(p, facts(), '2027-01-01T00:00:00Z', '2030-01-01T00:00:00Z')).toEqual([]);
  });

  it('a window spanning years has one per year, in order', () => {
    const keys = between(plan({ type: 'birthday' }), facts({ birthday: '1980-07-15' }), '2027-01-01T00:00:00Z', '2032-01-01T00:00:00Z').map(
      ([key]) => key,
    );
    expect(keys).toEqual(['birthday:2027-07-15', 'birthday:2028-07-15', 'birthday:2029-07-15', 'birthday:2030-07-15', 'birthday:2031-07-15']);
  });
});

describe('daylight saving', () => {
  it('02:30 on the spring-forward day in New York does not exist: it moves forward by the gap to 03:30 EDT', () => {
    const f = facts({ timeZone: 'America/New_York' });
    const p = plan({ type: 'annual_date', month: 3, day: 14 }, { localTime: '02:30' });
    // 03:30 EDT (UTC-4) = 07:30 UTC.
    expect(between(p, f, '2027-03-01T00:00:00Z', '2027-04-01T00:00:00Z')).toEqual([['annual:2027-03-14', '2027-03-14T07:30:00.000Z']]);
    // The day before, 02:30 EST (UTC-5) = 07:30 UTC too; the day after, 02:30 EDT = 06:30 UTC.
    const before = plan({ type: 'annual_date', month: 3, day: 13 }, { localTime: '02:30' });
    const after = plan({ type: 'annual_date', month: 3, day: 15 }, { localTime: '02:30' });
    expect(between(before, f, '2027-03-01T00:00:00Z', '2027-04-01T00:00:00Z')[0]![1]).toBe('2027-03-13T07:30:00.000Z');
    expect(between(after, f, '2027-03-01T00:00:00Z', '2027-04-01T00:00:00Z')[0]![1]).toBe('2027-03-15T06:30:00.000Z');
  });

  it('01:30 on the fall-back day happens twice: the first one (EDT) is taken', () => {
    const p = plan({ type: 'annual_date', month: 11, day: 7 }, { localTime: '01:30' });
    // 01:30 EDT (UTC-4) = 05:30 UTC; the second 01:30 (EST) would be 06:30 UTC.
    expect(between(p, facts({ timeZone: 'America/New_York' }), '2027-11-01T00:00:00Z', '2027-12-01T00:00:00Z')).toEqual([
      ['annual:2027-11-07', '2027-11-07T05:30:00.000Z'],
    ]);
  });

  it('every-7-days across the spring-forward keeps the wall time, not the elapsed hours', () => {
    const p = plan({ type: 'every', days: 7, anchor: 'fixed', startsOn: '2027-03-07' }, { localTime: '09:00' });
    expect(between(p, facts({ timeZone: 'America/New_York' }), '2027-03-01T00:00:00Z', '2027-03-20T00:00:00Z')).toEqual([
      ['every:2027-03-07', '2027-03-07T14:00:00.000Z'],
      ['every:2027-03-14', '2027-03-14T13:00:00.000Z'],
    ]);
  });
});

describe('annual dates and holidays', () => {
  const holidays: CareSettings['holidays'] = [
    { key: 'christmas', name: 'Christmas', month: 12, day: 25 },
    { key: 'spring-festival', name: 'Spring Festival', dates: ['2027-02-06', '2028-01-26'] },
  ];
  const withHolidays = { ...settings, holidays };

  it('a month and day every year, across the year boundary', () => {
    expect(between(plan({ type: 'annual_date', month: 12, day: 25 }), facts(), '2027-06-01T00:00:00Z', '2029-01-01T00:00:00Z')).toEqual([
      ['annual:2027-12-25', '2027-12-25T09:00:00.000Z'],
      ['annual:2028-12-25', '2028-12-25T09:00:00.000Z'],
    ]);
  });

  it('a fixed holiday by key, an explicit-dates holiday by key, a removed holiday has none', () => {
    const christmas = occurrencesBetween(plan({ type: 'annual_date', holiday: 'christmas' }), facts(), withHolidays, new Date('2027-12-01'), new Date('2028-01-01'));
    expect(christmas.map((o) => [o.key, o.context.holiday])).toEqual([['annual:2027-12-25', 'Christmas']]);
    expect(between(plan({ type: 'annual_date', holiday: 'spring-festival' }), facts(), '2027-01-01T00:00:00Z', '2029-01-01T00:00:00Z', withHolidays)).toEqual([
      ['annual:2027-02-06', '2027-02-06T09:00:00.000Z'],
      ['annual:2028-01-26', '2028-01-26T09:00:00.000Z'],
    ]);
    expect(between(plan({ type: 'annual_date', holiday: 'gone' }), facts(), '2027-01-01T00:00:00Z', '2029-01-01T00:00:00Z', withHolidays)).toEqual([]);
  });
});

describe('purchases and complaints', () => {
  const purchases = [
    { id: 'p1', product: 'Kettle', purchasedAt: '2027-01-31T20:00:00Z' },
    { id: 'p2', product: 'Toaster', purchasedAt: '2027-02-10T08:00:00Z' },
  ];

  it('N days after each purchase, from the local day of the purchase', () => {
    // 20:00 UTC on 31 January is 04:00 on 1 February in Shanghai: + 30 days = 3 March, 09:00 +08 = 01:00 UTC.
    const f = facts({ timeZone: 'Asia/Shanghai', purchases });
    const found = occurrencesBetween(plan({ type: 'after_purchase', days: 30 }), f, settings, new Date('2027-01-01'), new Date('2027-06-01'));
    expect(found.map((o) => [o.key, o.dueAt.toISOString(), o.context.product, o.context.purchaseId])).toEqual([
      ['purchase:p1', '2027-03-03T01:00:00.000Z', 'Kettle', 'p1'],
      ['purchase:p2', '2027-03-12T01:00:00.000Z', 'Toaster', 'p2'],
    ]);
  });

  it('one product only, matched exactly but case-insensitively', () => {
    const f = facts({ purchases });
    expect(between(plan({ type: 'after_purchase', days: 7, product: 'kETTLE' }), f, '2027-01-01T00:00:00Z', '2027-06-01T00:00:00Z')).toEqual([
      ['purchase:p1', '2027-02-07T09:00:00.000Z'],
    ]);
    expect(between(plan({ type: 'after_purchase', days: 7, product: 'Kettl' }), f, '2027-01-01T00:00:00Z', '2027-06-01T00:00:00Z')).toEqual([]);
  });

  it('N days after a complaint closed, or at its followUpDueAt as it is when days is absent', () => {
    const f = facts({
      closedComplaints: [
        { id: 'c1', closedAt: '2027-05-03T15:00:00Z', followUpDueAt: '2027-05-06T13:45:00Z' },
        { id: 'c2', closedAt: '2027-05-04T15:00:00Z', followUpDueAt: null },
      ],
    });
    expect(between(plan({ type: 'after_complaint_closed', days: 2 }), f, '2027-05-01T00:00:00Z', '2027-06-01T00:00:00Z')).toEqual([
      ['complaint:c1', '2027-05-05T09:00:00.000Z'],
      ['complaint:c2', '2027-05-06T09:00:00.000Z'],
    ]);
    expect(between(plan({ type: 'after_complaint_closed' }), f, '2027-05-01T00:00:00Z', '2027-06-01T00:00:00Z')).toEqual([
      ['complaint:c1', '2027-05-06T13:45:00.000Z'],
    ]);
  });
});

describe('cadences and silence', () => {
  it('every N days on a fixed schedule, across a year boundary', () => {
    const p = plan({ type: 'every', days: 7, anchor: 'fixed', startsOn: '2027-12-20' });
    expect(between(p, facts(), '2027-12-01T00:00:00Z', '2028-01-20T00:00:00Z').map(([k]) => k)).toEqual([
      'every:2027-12-20',
      'every:2027-12-27',
      'every:2028-01-03',
      'every:2028-01-10',
      'every:2028-01-17',
    ]);
  });

  it('every N days after the last completed one, and on every N days while none is completed; without one, after the later creation', async () => {
    const p = plan({ type: 'every', days: 30, anchor: 'last_completed' }, { createdAt: '2027-04-10T12:00:00Z' });
    // Completed 1 May: 31 May, then (not completed) 30 June, 30 July.
    expect(between(p, facts({ lastCompletedAt: '2027-05-01T18:00:00Z' }), '2027-01-01T00:00:00Z', '2027-08-01T00:00:00Z')).toEqual([
      ['every:2027-05-31', '2027-05-31T09:00:00.000Z'],
      ['every:2027-06-30', '2027-06-30T09:00:00.000Z'],
      ['every:2027-07-30', '2027-07-30T09:00:00.000Z'],
    ]);
    // Completed late, on 3 June: the series restarts from it (3 July), the old 30 June is gone.
    expect(between(p, facts({ lastCompletedAt: '2027-06-03T08:00:00Z' }), '2027-06-01T00:00:00Z', '2027-08-01T00:00:00Z')).toEqual([
      ['every:2027-07-03', '2027-07-03T09:00:00.000Z'],
    ]);
    // None completed: from the plan's creation (10 April, later than the customer's) …
    expect(between(p, facts(), '2027-01-01T00:00:00Z', '2027-06-01T00:00:00Z')).toEqual([['every:2027-05-10', '2027-05-10T09:00:00.000Z']]);
    // … or from the customer's (20 April) when later.
    expect(between(p, facts({ createdAt: '2027-04-20T00:00:00Z' }), '2027-01-01T00:00:00Z', '2027-06-01T00:00:00Z')).toEqual([
      ['every:2027-05-20', '2027-05-20T09:00:00.000Z'],
    ]);
  });

  it('silence: N days after the last contact (or the later creation), keyed by the day silence began', () => {
    const p = plan({ type: 'silence', days: 90 }, { createdAt: '2026-01-01T00:00:00Z' });
    expect(between(p, facts({ lastContactAt: '2027-01-15T10:00:00Z' }), '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z')).toEqual([
      ['silence:2027-01-15', '2027-04-15T09:00:00.000Z'],
    ]);
    // Never contacted: counted from the plan's creation (later than the customer's).
    expect(between(p, facts(), '2026-01-01T00:00:00Z', '2028-01-01T00:00:00Z')).toEqual([['silence:2026-01-01', '2026-04-01T09:00:00.000Z']]);
  });
});

describe('quiet weekdays', () => {
  const workdays = [1, 2, 3, 4, 5];

  it('a Sunday birthday moves to Monday at the same wall time and keeps its key', () => {
    const p = plan({ type: 'birthday' }, { weekdays: workdays });
    const found = occurrencesBetween(p, facts({ birthday: '1990-02-28' }), settings, new Date('2027-03-01T00:00:00Z'), new Date('2027-03-02T00:00:00Z'));
    expect(found).toEqual([
      { key: 'birthday:2027-02-28', dueAt: new Date('2027-03-01T09:00:00Z'), context: { localDate: '2027-03-01', movedFrom: '2027-02-28' } },
    ]);
    // The window holding the original Sunday but not the Monday has nothing.
    expect(between(p, facts({ birthday: '1990-02-28' }), '2027-02-28T00:00:00Z', '2027-03-01T00:00:00Z')).toEqual([]);
  });

  it('an every-day cadence on workdays: Saturday and Sunday fold into Monday\'s one occurrence', () => {
    const p = plan({ type: 'every', days: 1, anchor: 'fixed', startsOn: '2027-01-01' }, { weekdays: workdays });
    // Saturday 27 Feb and Sunday 28 Feb would move onto Monday 1 March, which has its own.
    expect(between(p, facts(), '2027-02-26T00:00:00Z', '2027-03-03T00:00:00Z')).toEqual([
      ['every:2027-02-26', '2027-02-26T09:00:00.000Z'],
      ['every:2027-03-01', '2027-03-01T09:00:00.000Z'],
      ['every:2027-03-02', '2027-03-02T09:00:00.000Z'],
    ]);
  });

  it('two purchases whose follow-ups move onto the same Monday stay two', () => {
    const f = facts({
      purchases: [
        { id: 'sat', product: 'A', purchasedAt: '2027-02-20T10:00:00Z' },
        { id: 'mon', product: 'B', purchasedAt: '2027-02-22T10:00:00Z' },
      ],
    });
    expect(between(plan({ type: 'after_purchase', days: 7 }, { weekdays: workdays }), f, '2027-02-01T00:00:00Z', '2027-04-01T00:00:00Z')).toEqual([
      ['purchase:mon', '2027-03-01T09:00:00.000Z'],
      ['purchase:sat', '2027-03-01T09:00:00.000Z'],
    ]);
  });
});

describe('stable keys across windows', () => {
  const zones = ['UTC', 'Asia/Shanghai', 'Pacific/Auckland', 'America/New_York', 'Australia/Lord_Howe'];
  const triggers: CarePlanTrigger[] = [
    { type: 'birthday' },
    { type: 'annual_date', month: 2, day: 29 },
    { type: 'every', days: 3, anchor: 'fixed', startsOn: '2026-12-30' },
    { type: 'after_purchase', days: 5 },
    { type: 'every', days: 10, anchor: 'last_completed' },
  ];

  it('splitting a window anywhere gives the same occurrences as the whole, each once', () => {
    const start = Date.parse('2026-12-01T00:00:00Z');
    const span = 3 * 366 * 86_400_000;
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...triggers),
        fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
        fc.integer({ min: 1, max: span - 1 }),
        fc.constantFrom('00:00', '02:30', '09:00', '23:59'),
        (timeZone, trigger, weekdays, cut, localTime) => {
          const p = plan(trigger, { weekdays, localTime });
          const f = facts({
            timeZone,
            birthday: '1992-02-29',
            purchases: [{ id: 'p', product: 'X', purchasedAt: '2027-06-30T23:30:00Z' }],
            lastCompletedAt: '2027-01-15T22:00:00Z',
          });
          const key = (o: { key: string; dueAt: Date }) => `${o.key}@${o.dueAt.toISOString()}`;
          const whole = occurrencesBetween(p, f, settings, new Date(start), new Date(start + span)).map(key);
          const split = [
            ...occurrencesBetween(p, f, settings, new Date(start), new Date(start + cut)),
            ...occurrencesBetween(p, f, settings, new Date(start + cut), new Date(start + span)),
          ].map(key);
          expect(split).toEqual(whole);
          expect(new Set(whole.map((k) => k.split('@')[0])).size).toBe(whole.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
