/**
 * Checks `t.arg.globalID({ for })` / `t.globalID({ for })` values before the relay plugin decodes them.
 *
 * Why: the relay plugin refuses a malformed id or one of the wrong type with a plain
 * PothosValidationError that names no field, and it passes any string through as the row id
 * (a non-UUID would reach SQL). Our contract is a ValidationError (BAD_USER_INPUT, or the
 * ValidationError member of a mutation's result union) with the path of the offending field,
 * e.g. ["input", "customerId"]. This plugin is that one place: it wraps outside the arg mappers
 * (inside the errors plugin, which then turns the ValidationError into the union member).
 */
import SchemaBuilder, { BasePlugin, mapInputFields, type InputFieldMapping, type SchemaTypes } from '@pothos/core';
import { decodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLFieldResolver } from 'graphql';
import { ValidationError } from './errors.ts';
import { UUID } from './ids.ts';

type Expected = { typename: string }[];
type Mappings = Map<string, InputFieldMapping<SchemaTypes, Expected>>;

/** Throws a ValidationError naming `path` unless `value` is a global id of one of the expected types with a UUID. */
export function checkGlobalId(value: unknown, expected: Expected, path: (string | number)[]): void {
  const names = expected.map((e) => e.typename).join(' or ');
  let decoded: { typename: string; id: string } | undefined;
  try {
    decoded = decodeGlobalID(String(value));
  } catch {
    decoded = undefined;
  }
  if (!decoded || !expected.some((e) => e.typename === decoded.typename) || !UUID.test(decoded.id)) {
    throw ValidationError.single(path, `is not a global id of type ${names}`);
  }
}

function walk(values: Record<string, unknown> | null | undefined, map: Mappings, path: (string | number)[]): void {
  if (!values) return;
  map.forEach((mapping, name) => {
    const value = values[name];
    if (value == null) return;
    const each = (item: unknown, at: (string | number)[], depth: number): void => {
      if (item == null) return;
      if (depth > 0 && Array.isArray(item)) {
        item.forEach((inner, i) => each(inner, [...at, i], depth - 1));
        return;
      }
      if (mapping.kind === 'InputObject') {
        if (mapping.fields.map) walk(item as Record<string, unknown>, mapping.fields.map as Mappings, at);
      } else if (mapping.value) {
        checkGlobalId(item, mapping.value, at);
      }
    };
    each(value, [...path, name], mapping.listDepth ?? 0);
  });
}

export class GlobalIdPathsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  private readonly cache = new Map();

  override wrapArgMappers(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: Parameters<BasePlugin<Types>['wrapArgMappers']>[1],
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    // Only fields that name the types they accept: node(id)/nodes(ids) keep their own handling.
    const mappings = mapInputFields(
      fieldConfig.args,
      this.buildCache,
      (field) => (field.extensions?.isRelayGlobalID && (field.extensions.relayGlobalIDFor as Expected | null)) || null,
      this.cache,
    ) as Mappings | null;
    if (!mappings || !resolver) return resolver;
    return (parent, args, ctx, info) => {
      walk(args as Record<string, unknown>, mappings, []);
      return resolver(parent, args, ctx, info);
    };
  }
}

const pluginName = 'globalIdPaths';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      globalIdPaths: GlobalIdPathsPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, GlobalIdPathsPlugin);

export default pluginName;
