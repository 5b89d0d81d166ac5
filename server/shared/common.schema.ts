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
  fields: (t) => ({ message: t.exposeString('message', { description: 'What went wrong, in English, for people.' }) }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'An id or reference names nothing this caller can see.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What was not found, in English, for people.' }),
    entity: t.exposeString('entity', { description: 'The type of what was not found, e.g. Customer.' }),
  }),
});

const FieldIssue = builder
  .objectRef<{ path: (string | number)[]; message: string }>('FieldIssue')
  .implement({
    description: 'One bad input field: its path from the argument root, and what is wrong.',
    fields: (t) => ({
      path: t.stringList({
        description: 'From the argument, e.g. ["input", "products", "0", "value"]; list indexes are strings.',
        resolve: (issue) => issue.path.map(String),
      }),
      message: t.exposeString('message', { description: 'What is wrong with the value, e.g. "must not be empty".' }),
    }),
  });

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input was refused: nothing was changed. Every bad field is listed at once.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    message: t.exposeString('message', { description: 'All issues in one line, for logs.' }),
    issues: t.field({ type: [FieldIssue], description: 'One entry per bad field.', resolve: (e) => e.issues }),
  }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description: 'The change collides with existing data (e.g. a unique key): nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConflictError,
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What collides, in English, for people.' }),
    field: t.exposeString('field', { nullable: true, description: 'The input field whose value collides, when one does.' }),
  }),
});

/** The error types every mutation may return. */
export const mutationErrors = [ValidationError, NotFoundError, ConflictError];

/** The data field of a Success type: the field's own description says what it holds. */
export const resultData = { description: 'What the field returns when it succeeds.' };

/** The `errors` option of every mutation. */
export const mutationErrorOptions = { types: mutationErrors, dataField: resultData };
