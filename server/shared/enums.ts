import { builder } from '../builder.ts';

/**
 * A GraphQL enum over database values: GraphQL names are upper case (PROSPECT), the values the
 * resolvers see are the stored ones (prospect).
 */
export function enumOf<const T extends readonly string[]>(name: string, values: T, description?: string) {
  return builder.enumType(name, {
    description,
    values: Object.fromEntries(values.map((value) => [value.toUpperCase(), { value }])) as {
      [K in T[number] as Uppercase<K>]: { value: K };
    },
  });
}
