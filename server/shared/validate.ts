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

/** What a zod schema's metadata tells zod-input.ts about its GraphQL input. */
export interface GraphqlInputMeta {
  description?: string;
  /** The GraphQL name of a nested input object. */
  title?: string;
  graphqlType?: 'Date' | 'DateTime' | 'JSON' | 'ID';
  graphqlOptional?: boolean;
}

/**
 * A schema with the words GraphQL shows for it (see zod-input.ts, which makes GraphQL inputs
 * from these schemas): `described(shortText(), 'The name.')`. zod keeps metadata through later
 * refinements, and the outermost word wins over a wrapped schema's.
 */
export function described<S extends z.ZodType>(schema: S, description: string, meta: Omit<GraphqlInputMeta, 'description'> = {}): S {
  return schema.meta({ ...meta, description }) as S;
}
