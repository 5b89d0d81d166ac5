import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { builder } from '../builder.ts';
import { CareloopError, ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { toInstant } from './temporal.ts';

// Both scalars pass strings they cannot read through unchanged: the input schemas refuse them
// with the field's path (see temporal.ts). Non-strings are a type error of the request.
builder.scalarType('Date', {
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string') throw new GraphQLError('Date must be a string written YYYY-MM-DD');
    return value;
  },
});

builder.scalarType('DateTime', {
  description: 'An instant, ISO 8601 with a time zone (e.g. 2026-11-23T10:00:00Z).',
  serialize: (value) => new Date(String(value)).toISOString(),
  parseValue: (value) => {
    if (typeof value !== 'string') throw new GraphQLError('DateTime must be an ISO 8601 string with a time zone');
    return toInstant(value) ?? value;
  },
});

/** A JSON literal written inline; variables inside it take their values, enum names are strings. */
function literalToJson(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((value) => literalToJson(value, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToJson(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

builder.addScalarType(
  'JSON',
  new GraphQLScalarType({
    name: 'JSON',
    description: 'Any JSON value.',
    serialize: (value) => value,
    parseValue: (value) => value,
    parseLiteral: literalToJson,
  }),
);

const ErrorInterface = builder.interfaceRef<CareloopError>('Error').implement({
  description: 'An expected failure, returned as a typed result instead of a GraphQL error.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
  fields: (t) => ({ entity: t.exposeString('entity') }),
});

const FieldIssue = builder
  .objectRef<{ path: (string | number)[]; message: string }>('FieldIssue')
  .implement({
    description: 'One bad input field: its path from the argument root, and what is wrong.',
    fields: (t) => ({
      path: t.stringList({ resolve: (issue) => issue.path.map(String) }),
      message: t.exposeString('message'),
    }),
  });

builder.objectType(ValidationError, {
  name: 'ValidationError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({ issues: t.field({ type: [FieldIssue], resolve: (e) => e.issues }) }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConflictError,
  fields: (t) => ({ field: t.exposeString('field', { nullable: true }) }),
});

/** The error types every mutation may return. */
export const mutationErrors = [ValidationError, NotFoundError, ConflictError];
