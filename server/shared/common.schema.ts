import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { builder } from '../builder.ts';
import { CareloopError, ConflictError, NotFoundError, ValidationError } from './errors.ts';

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

builder.scalarType('Date', {
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string' || !isRealDate(value)) {
      throw new GraphQLError('Date must be a real calendar date written YYYY-MM-DD');
    }
    return value;
  },
});

builder.scalarType('DateTime', {
  description: 'An instant, ISO 8601 with a time zone (e.g. 2026-11-23T10:00:00Z).',
  serialize: (value) => new Date(String(value)).toISOString(),
  parseValue: (value) => {
    if (typeof value !== 'string' || !/(Z|[+-]\d{2}:?\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
      throw new GraphQLError('DateTime must be ISO 8601 with a time zone, e.g. 2026-11-23T10:00:00Z');
    }
    return new Date(value).toISOString();
  },
});

function literalToJson(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literalToJson);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToJson(f.value)]));
    default:
      throw new GraphQLError('JSON literals cannot contain variables');
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
