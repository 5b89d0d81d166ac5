import { builder } from '../builder.ts';

/**
 * A GraphQL enum over database values: GraphQL names are upper case (PROSPECT), the values the
 * resolvers see are the stored ones (prospect). Every value needs a description (the type
 * demands one per value), because GraphiQL is the manual a frontend team reads first.
 */
export function enumOf<const T extends readonly string[]>(
  name: string,
  values: T,
  options: { description: string; values: { [K in T[number]]: string } },
) {
  return builder.enumType(name, {
    description: options.description,
    values: Object.fromEntries(
      values.map((value) => [value.toUpperCase(), { value, description: options.values[value as T[number]] }]),
    ) as unknown as {
      [K in T[number] as Uppercase<K>]: { value: K };
    },
  });
}
