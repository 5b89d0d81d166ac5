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
  const ref = builder.enumType(name, {
    description: options.description,
    values: Object.fromEntries(
      values.map((value) => [value.toUpperCase(), { value, description: options.values[value as T[number]] }]),
    ) as unknown as {
      [K in T[number] as Uppercase<K>]: { value: K };
    },
  });
  byValues.set(values.join('|'), ref);
  return ref;
}

/** Every enumOf type by its values, for inputs made from zod (zod-input.ts) to find theirs. */
const byValues = new Map<string, unknown>();

/** The GraphQL enum over exactly these values, in this order; made by enumOf beforehand. */
export function enumRefOf(values: readonly string[], path: string): unknown {
  const ref = byValues.get(values.join('|'));
  if (!ref) throw new Error(`zod-input: ${path} is an enum of ${values.join(', ')}, and no enumOf type has these values`);
  return ref;
}
