import type { InputFieldRef, InputObjectRef } from '@pothos/core';
import type { z } from 'zod';
import { builder } from '../builder.ts';
import { enumRefOf } from './enums.ts';
import type { GraphqlInputMeta } from './validate.ts';

/**
 * GraphQL input types made from the zod schemas the services validate with, so an input shape
 * is declared once: its fields, their types, whether they are required, their descriptions and
 * the limits those descriptions state. Pothos' validation plugin would attach a zod schema to
 * a Pothos input, which still declares every field twice; the services (called by GraphQL, the
 * CLI and jobs alike) keep validating their own input, so zod stays the source and GraphQL is
 * derived from it. Kept small and hand-written: no package derives Pothos inputs from zod.
 *
 * Read from each field's schema: `.meta({ description })` (required: a field without one fails
 * at startup, as the schema-descriptions test would), `title` naming a nested input object,
 * `graphqlType` for a string that is a scalar (Date, DateTime), and `graphqlOptional` for a field
 * zod requires but GraphQL should not, so that a missing one is a typed ValidationError naming
 * the field rather than a request error before any resolver runs (public widget fields).
 */

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
export type InputFields = PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>;
type Refs = Record<string, InputFieldRef<Types, unknown>>;

type Schema = z.core.$ZodType;
const defOf = (schema: Schema) => schema._zod.def as unknown as Record<string, unknown> & { type: string };
const metaOf = (schema: Schema): GraphqlInputMeta => ((schema as z.ZodType).meta?.() ?? {}) as GraphqlInputMeta;

/** Through the wrappers that do not change the GraphQL type, noting what they say. */
function unwrap(schema: Schema, path: string) {
  let required = true;
  let meta: GraphqlInputMeta = {};
  /** The description given where the title is: the nested input type's own. */
  let typeDescription: string | undefined;
  let current = schema;
  for (;;) {
    const own = metaOf(current);
    if (own.title && typeDescription === undefined) typeDescription = own.description;
    meta = { ...own, ...meta }; // the outermost word wins
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'prefault') {
      required = false;
      current = def.innerType as Schema;
    } else if (def.type === 'pipe') {
      // A transform's input is the pipe's `in`; a preprocess has its schema in `out`.
      const input = def.in as Schema;
      current = defOf(input).type === 'transform' ? (def.out as Schema) : input;
    } else if (def.type === 'readonly') {
      current = def.innerType as Schema;
    } else {
      return { core: current, required: required && !meta.graphqlOptional, meta, typeDescription, path };
    }
  }
}

const nested = new Map<string, InputObjectRef<Types, unknown>>();

/** The GraphQL type of a schema's core (what is left after unwrap). */
function graphqlTypeOf(core: Schema, meta: GraphqlInputMeta, path: string, typeDescription?: string): unknown {
  const def = defOf(core);
  if (meta.graphqlType) return meta.graphqlType;
  switch (def.type) {
    case 'string':
      return 'String';
    case 'boolean':
      return 'Boolean';
    case 'number':
      return (core as z.ZodNumber).isInt ? 'Int' : 'Float';
    case 'enum':
      return enumRefOf(Object.values(def.entries as Record<string, string>), path);
    case 'record':
    case 'unknown':
    case 'any':
      return 'JSON';
    case 'array': {
      const item = unwrap(def.element as Schema, `${path}[]`);
      return [graphqlTypeOf(item.core, item.meta, item.path, item.typeDescription)];
    }
    case 'object': {
      if (!meta.title) throw new Error(`zod-input: ${path} is an object without a title (its GraphQL input name)`);
      return nestedInput(meta.title, core as z.ZodObject, typeDescription ?? '');
    }
    default:
      throw new Error(`zod-input: ${path} has zod type ${def.type}, which has no GraphQL input type here`);
  }
}

function nestedInput(name: string, schema: z.ZodObject, description: string) {
  let ref = nested.get(name);
  if (!ref) {
    ref = builder.inputType(name, { description, fields: (t) => fieldsOf(t, schema, name) });
    nested.set(name, ref);
  }
  return ref;
}

/** The GraphQL fields of a zod object, in its order. */
export function fieldsOf(t: InputFields, schema: z.ZodObject, typeName: string): Refs {
  const refs: Refs = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, Schema>)) {
    const { core, required, meta, typeDescription, path } = unwrap(field, `${typeName}.${key}`);
    if (!meta.description) throw new Error(`zod-input: ${path} has no description (.meta({ description }))`);
    const type = graphqlTypeOf(core, meta, path, typeDescription);
    refs[key] = t.field({ type: type as never, required, description: meta.description }) as InputFieldRef<Types, unknown>;
  }
  return refs;
}

/** The object schema inside a schema that may be refined or transformed. */
function objectOf(schema: Schema): z.ZodObject {
  const { core, path } = unwrap(schema, 'input');
  if (defOf(core).type !== 'object') throw new Error(`zod-input: ${path} is not an object schema`);
  return core as z.ZodObject;
}

/**
 * A GraphQL input type whose fields are the schema's; `extra` adds GraphQL-only fields first
 * (global ids, which the resolver decodes and hands the service apart from the input).
 */
export function inputFromZod<S extends Schema, Extra extends Refs = Record<never, never>>(
  name: string,
  schema: S,
  options: { description: string; extra?: (t: InputFields) => Extra },
) {
  const object = objectOf(schema);
  return builder.inputType(name, {
    description: options.description,
    fields: (t) => ({ ...(options.extra?.(t) as Extra), ...fieldsOf(t, object, name) }),
  }) as unknown as InputObjectRef<Types, { [K in keyof Extra]: Extra[K] extends InputFieldRef<Types, infer T> ? T : never } & z.input<S>>;
}
