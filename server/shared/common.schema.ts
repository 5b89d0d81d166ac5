import { GraphQLError, GraphQLScalarType } from 'graphql';
import { GraphQLDate, GraphQLDateTime, GraphQLJSON } from 'graphql-scalars';
import { builder } from '../builder.ts';
import { CareloopError, ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { limits } from './limits.ts';
import { toInstant } from './temporal.ts';

/** Date and DateTime are the RFC 3339 profile of ISO 8601 (full-date, date-time). */
const RFC3339 = 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6';

/**
 * Date and DateTime keep graphql-scalars' names and descriptions but not its input parsing: it
 * refuses a malformed string before any resolver runs, as a request error without the field's
 * path. Here such strings pass through unchanged and the input schemas refuse them inside the
 * mutation, as a ValidationError naming the field (see temporal.ts). Non-strings are still a
 * type error of the request. Output is ours too: the database hands back timestamps that are
 * not yet ISO strings ("2026-11-23 10:00:00+00"), which graphql-scalars would refuse.
 */
builder.addScalarType(
  'Date',
  new GraphQLScalarType({
    name: 'Date',
    description: GraphQLDate.description,
    specifiedByURL: RFC3339,
    serialize: (value) => String(value),
    parseValue: (value) => {
      if (typeof value !== 'string') throw new GraphQLError('Date must be a string written YYYY-MM-DD');
      return value;
    },
  }),
);

builder.addScalarType(
  'DateTime',
  new GraphQLScalarType({
    name: 'DateTime',
    description: `${GraphQLDateTime.description} Input may carry any offset; output is always UTC.`,
    specifiedByURL: RFC3339,
    serialize: (value) => new Date(String(value)).toISOString(),
    parseValue: (value) => {
      if (typeof value !== 'string') throw new GraphQLError('DateTime must be an ISO 8601 string with a time zone');
      return toInstant(value) ?? value;
    },
  }),
);

/** graphql-scalars' JSON, with what an input value must meet (use-input-checks.ts checks it before anything runs). */
builder.addScalarType(
  'JSON',
  new GraphQLScalarType({
    ...GraphQLJSON.toConfig(),
    description: `${GraphQLJSON.description} As input, objects and arrays nest at most ${limits.jsonDepth} deep, and no string (key or value) holds a control character other than tab and line breaks, or a lone surrogate.`,
  }),
);

export const ErrorInterface = builder.interfaceRef<CareloopError>('Error').implement({
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
