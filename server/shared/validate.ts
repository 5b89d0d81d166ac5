import type { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Parses with zod and turns its issues into a ValidationError carrying each field's path. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  pathPrefix: (string | number)[] = ['input'],
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      path: [...pathPrefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      message: issue.message,
    })),
  );
}
