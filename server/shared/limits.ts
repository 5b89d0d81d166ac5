import { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Input limits: one place, so the API, the CLI and the docs agree. */
export const limits = {
  shortText: 200,
  longText: 5_000,
  listItems: 50,
  attributesBytes: 16_384,
  pageSize: 100,
  /** Allowed origins of one site. */
  allowedOrigins: 50,
} as const;

export const shortText = (max: number = limits.shortText) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const longText = () =>
  z.string().max(limits.longText, `must be at most ${limits.longText} characters`);

export const boundedList = <T extends z.ZodType>(item: T, max: number = limits.listItems) =>
  z.array(item).max(max, `must have at most ${max} items`);

/**
 * `maxSize` for a connection field: a page larger than the limit is refused with a clear error
 * rather than cut short silently, which a client paging by `first` would take for the end.
 */
export function maxPageSize(args: { first?: number | null; last?: number | null }): number {
  for (const key of ['first', 'last'] as const) {
    const size = args[key];
    if (size != null && size > limits.pageSize) {
      throw ValidationError.single([key], `must be at most ${limits.pageSize}`);
    }
  }
  return limits.pageSize;
}
