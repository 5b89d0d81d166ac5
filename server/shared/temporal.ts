import { z } from 'zod';

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const ZONED = /(Z|[+-]\d{2}:?\d{2})$/;

/** A real calendar day written YYYY-MM-DD (so 1990-02-30 is refused). */
export function isCalendarDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** An ISO 8601 instant with a time zone, as a UTC ISO string; undefined when it is not one. */
export function toInstant(value: string): string | undefined {
  if (!ZONED.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * Input rules for the Date and DateTime scalars. The scalars let malformed strings through so
 * that these rules refuse them inside the mutation, as a ValidationError naming the field,
 * instead of as a request error before any resolver runs. Every input schema with a Date or
 * DateTime field must use them.
 */
export const calendarDate = () =>
  // abort: later refinements (ranges) compare dates, which would only add noise to a non-date.
  z.string().refine(isCalendarDate, { message: 'must be a real calendar date written YYYY-MM-DD', abort: true });

export const instant = () =>
  z.string().refine((value) => toInstant(value) !== undefined, {
    message: 'must be ISO 8601 with a time zone, e.g. 2026-11-23T10:00:00Z',
    abort: true,
  });
