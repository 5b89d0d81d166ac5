import { IANAZone } from 'luxon';
import { addDays, annualDate, daysBetween, instantAt, localDateOf, localTimeOf, weekdayOf } from './local-time.ts';
import type { CarePlanDefinition, CareSettings, CustomerFacts, Occurrence } from './types.ts';

/**
 * Which occurrences a plan has for one customer, pure (no database, no clock): the scheduler
 * asks for a window, the preview for the next few. Rules (README "Care plans"):
 * - Every occurrence falls at the plan's `action.localTime` on a local date in the customer's
 *   zone, except a complaint follow-up taken over from `followUpDueAt` (that instant as it is).
 * - Quiet weekdays move an occurrence to the next allowed day at the same wall time; its key
 *   stays the original occurrence's, so moving it never makes a second one.
 * - Keys are stable across runs and windows: they name the occurrence, never the run.
 */
export function occurrencesBetween(
  plan: CarePlanDefinition,
  facts: CustomerFacts,
  settings: CareSettings,
  from: Date,
  to: Date,
): Occurrence[] {
  if (!(to.getTime() > from.getTime())) return [];
  const zone = zoneFor(facts, settings);
  const localTime = /^([01]\d|2[0-3]):[0-5]\d$/.test(plan.action.localTime) ? plan.action.localTime : '09:00';
  // Local dates whose occurrences can land in the window: a quiet-weekday move pushes a date up
  // to 6 days later, and a zone's offset moves the window's edges by up to a day.
  const range: DateRange = { first: addDays(localDateOf(from, zone), -8), last: addDays(localDateOf(to, zone), 1) };
  const allowed = new Set(plan.quietRules.weekdays);

  const occurrences: (Occurrence & { moved: boolean; calendar: boolean })[] = [];
  for (const candidate of candidates(plan, facts, settings, zone, range)) {
    const date = nextAllowedDay(candidate.date, allowed);
    const moved = date !== candidate.date;
    const time = candidate.exact ? localTimeOf(candidate.exact, zone) : localTime;
    const dueAt = candidate.exact && !moved ? candidate.exact : instantAt(date, time, zone);
    if (dueAt < from || dueAt >= to) continue;
    occurrences.push({
      key: candidate.key,
      dueAt,
      context: { ...candidate.context, localDate: date, ...(moved ? { movedFrom: candidate.date } : {}) },
      moved,
      calendar: candidate.calendar,
    });
  }
  return dropCollisions(occurrences)
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ moved: _moved, calendar: _calendar, ...occurrence }) => occurrence);
}

interface DateRange {
  first: string;
  last: string;
}

interface Candidate {
  key: string;
  /** The local date the trigger names, before any quiet-weekday move. */
  date: string;
  /** An instant taken over as it is (a complaint's followUpDueAt). */
  exact?: Date;
  /** A calendar occurrence (birthday, date, cadence) rather than one per purchase or complaint. */
  calendar: boolean;
  context: Omit<Occurrence['context'], 'localDate'>;
}

function zoneFor(facts: CustomerFacts, settings: CareSettings): string {
  if (isKnownZone(facts.timeZone)) return facts.timeZone;
  return isKnownZone(settings.timeZone) ? settings.timeZone : 'UTC';
}

/** IANAZone.isValidZone builds an Intl formatter per call (~200 µs under load): asked once per zone. */
const knownZones = new Map<string, boolean>();
function isKnownZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    known = IANAZone.isValidZone(zone);
    if (knownZones.size < 1000) knownZones.set(zone, known);
  }
  return known;
}

function* candidates(
  plan: CarePlanDefinition,
  facts: CustomerFacts,
  settings: CareSettings,
  zone: string,
  range: DateRange,
): Generator<Candidate> {
  const trigger = plan.trigger;
  switch (trigger.type) {
    case 'birthday': {
      if (!facts.birthday) return;
      const [birthYear, month, day] = facts.birthday.split('-').map(Number) as [number, number, number];
      for (const date of yearly(range, month, day)) {
        // Greeted from the first birthday on, never on (or before) the day of birth.
        if (Number(date.slice(0, 4)) > birthYear) yield { key: `birthday:${date}`, date, calendar: true, context: {} };
      }
      return;
    }
    case 'annual_date': {
      if (trigger.holiday === undefined) {
        for (const date of yearly(range, trigger.month, trigger.day)) {
          yield { key: `annual:${date}`, date, calendar: true, context: {} };
        }
        return;
      }
      // A holiday removed from the org's list after the plan was made has no more occurrences.
      const holiday = settings.holidays.find((h) => h.key === trigger.holiday);
      if (!holiday) return;
      const dates = 'dates' in holiday ? holiday.dates.filter((d) => inRange(d, range)) : yearly(range, holiday.month, holiday.day);
      for (const date of dates) {
        yield { key: `annual:${date}`, date, calendar: true, context: { holiday: holiday.name } };
      }
      return;
    }
    case 'after_purchase': {
      const wanted = trigger.product?.toLowerCase();
      for (const purchase of facts.purchases) {
        if (wanted !== undefined && purchase.product.toLowerCase() !== wanted) continue;
        yield {
          key: `purchase:${purchase.id}`,
          date: addDays(localDateOf(purchase.purchasedAt, zone), trigger.days),
          calendar: false,
          context: { product: purchase.product, purchaseId: purchase.id },
        };
      }
      return;
    }
    case 'after_complaint_closed': {
      for (const complaint of facts.closedComplaints) {
        const context = { complaintId: complaint.id };
        const key = `complaint:${complaint.id}`;
        if (trigger.days !== undefined) {
          yield { key, date: addDays(localDateOf(complaint.closedAt, zone), trigger.days), calendar: false, context };
        } else if (complaint.followUpDueAt) {
          // The complaint's own follow-up time (its SLA calendar already chose it): taken over as it is.
          const exact = new Date(complaint.followUpDueAt);
          yield { key, date: localDateOf(exact, zone), exact, calendar: false, context };
        }
      }
      return;
    }
    case 'every': {
      // FIXED: startsOn, then every N days. LAST_COMPLETED: N days after the last completed
      // touchpoint of the plan, and every N days after that while none is completed (a skipped
      // or missed one does not stop the cadence); a completion restarts the series from itself.
      // Without one yet: from the later of the customer's and the plan's creation.
      const firstDate =
        trigger.anchor === 'fixed'
          ? trigger.startsOn
          : addDays(localDateOf(facts.lastCompletedAt ?? latest(facts.createdAt, plan.createdAt), zone), trigger.days);
      const firstStep = Math.max(0, Math.ceil(daysBetween(firstDate, range.first) / trigger.days));
      const lastStep = Math.floor(daysBetween(firstDate, range.last) / trigger.days);
      for (let step = firstStep; step <= lastStep; step++) {
        const date = addDays(firstDate, step * trigger.days);
        yield { key: `every:${date}`, date, calendar: true, context: {} };
      }
      return;
    }
    case 'silence': {
      // Silence counts from the last contact, the customer's creation or the plan's, whichever is
      // latest: a new plan does not fire at once for everyone who was silent before it existed.
      const since = localDateOf(latest(facts.lastContactAt ?? facts.createdAt, plan.createdAt), zone);
      yield { key: `silence:${since}`, date: addDays(since, trigger.days), calendar: false, context: {} };
      return;
    }
  }
}

/** The month/day of every year the range touches (29 February on 28 February in other years). */
function yearly(range: DateRange, month: number, day: number): string[] {
  const dates: string[] = [];
  for (let year = Number(range.first.slice(0, 4)); year <= Number(range.last.slice(0, 4)); year++) {
    const date = annualDate(year, month, day);
    if (inRange(date, range)) dates.push(date);
  }
  return dates;
}

function inRange(date: string, range: DateRange): boolean {
  return date >= range.first && date <= range.last;
}

function latest(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function nextAllowedDay(date: string, allowed: Set<number>): string {
  if (allowed.size === 0) return date;
  let day = date;
  for (let i = 0; i < 7 && !allowed.has(weekdayOf(day)); i++) day = addDays(day, 1);
  return day;
}

/**
 * A calendar occurrence moved by a quiet weekday onto the instant of another of the same plan
 * (an every-day cadence's Saturday and Sunday both moved to Monday) is one touchpoint, not three:
 * the one that was not moved wins, else the latest original date. Per-purchase and per-complaint
 * occurrences are never merged (two purchases on one day are two follow-ups).
 */
function dropCollisions<T extends { dueAt: Date; moved: boolean; calendar: boolean; context: { movedFrom?: string; localDate: string } }>(
  occurrences: T[],
): T[] {
  const byInstant = new Map<number, T>();
  const kept: T[] = [];
  for (const occurrence of occurrences) {
    if (!occurrence.calendar) {
      kept.push(occurrence);
      continue;
    }
    const at = occurrence.dueAt.getTime();
    const other = byInstant.get(at);
    if (!other || rank(occurrence) > rank(other)) byInstant.set(at, occurrence);
  }
  return [...kept, ...byInstant.values()];
}

/** Higher wins: unmoved first, then the later original date. */
function rank(occurrence: { moved: boolean; context: { movedFrom?: string; localDate: string } }): string {
  return `${occurrence.moved ? 0 : 1}${occurrence.context.movedFrom ?? occurrence.context.localDate}`;
}
