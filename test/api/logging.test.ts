import { Writable } from 'node:stream';
import { GraphQLError } from 'graphql';
import { expect, it } from 'vitest';
import { createLogger, requestIdFrom, scrub, serializeError, yogaLogger } from '../../server/logging/logger.ts';
import { ValidationError } from '../../server/shared/errors.ts';

/** A driver error as drizzle wraps it: the SQL and its parameters in the message and properties. */
function drizzleError(): Error {
  const cause = Object.assign(new Error('invalid input syntax for type uuid: "li.na@example.com"'), {
    code: '22P02',
    severity: 'ERROR',
    detail: 'Key (email)=(li.na@example.com) already exists.',
    table_name: 'customers',
    constraint_name: 'customers_email_key',
  });
  Object.defineProperty(cause, 'constructor', { value: { name: 'PostgresError' } });
  class DrizzleQueryError extends Error {
    constructor(
      readonly query: string,
      readonly params: unknown[],
      override readonly cause: unknown,
    ) {
      super(`Failed query: ${query}\nparams: ${params.join(',')}`);
    }
  }
  return new DrizzleQueryError('insert into "customers" ("email") values ($1)', ['li.na@example.com'], cause);
}

it('serializes a database error by class, SQLSTATE, table, constraint and frames only', () => {
  const wrapped = new GraphQLError(drizzleError().message, { originalError: drizzleError(), path: ['createCustomer'] });
  const serialized = serializeError(wrapped);
  const text = JSON.stringify(serialized);
  expect(text).not.toMatch(/li\.na|insert into|params|Failed query|already exists/);
  expect(serialized).toMatchObject({
    type: 'GraphQLError',
    path: 'createCustomer',
    cause: { type: 'DrizzleQueryError', cause: { type: 'PostgresError', code: '22P02', table: 'customers', constraint: 'customers_email_key' } },
  });
  expect(serialized.cause!.stack).toMatch(/^DrizzleQueryError\n\s+at /);
});

it('scrubs keys, tokens, hashes, emails and quoted SQL from other messages', () => {
  expect(scrub('key sk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG for pk_0123456789abcdef')).toBe('key [key] for [key]');
  expect(scrub('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl rejected')).toBe('token [token] rejected');
  expect(scrub(`hash ${'ab'.repeat(32)} and mail li.na@example.com`)).toBe('hash [hash] and mail [email]');
  expect(scrub('select "id" from "sites" where "key" = $1')).toBe('[removed: database text]');
  expect(scrub('An API key is required: send "Authorization: Bearer sk_…"')).toBe('An API key is required: send "Authorization: Bearer sk_…"');
});

it('keeps a short plain incoming request id, else makes a UUID', () => {
  expect(requestIdFrom('edge-1.2:3')).toBe('edge-1.2:3');
  for (const bad of [undefined, '', 'a'.repeat(65), 'li.na@example.com', 'sk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', 'a b', 'x\ny']) {
    expect(requestIdFrom(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  }
});

it("logs yoga's errors by what the client saw: refusals at info without a stack, the rest at error with it", () => {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = yogaLogger(createLogger('debug', stream));
  const unauthenticated = new GraphQLError('Unknown API key', { extensions: { code: 'UNAUTHENTICATED' } });
  logger.error(new GraphQLError(unauthenticated.message, { originalError: unauthenticated, path: ['customers'] }));
  const invalid = ValidationError.single(['input', 'email'], 'li.na@example.com is not an email address');
  logger.error(new GraphQLError(invalid.message, { originalError: invalid, path: ['customer'] }));
  logger.error(new GraphQLError('x', { originalError: drizzleError(), path: ['createCustomer'] }));
  logger.warn('rate limiter: Redis unavailable', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }));
  logger.debug('Processing GraphQL Parameters', { query: 'li.na@example.com' });
  logger.error(new GraphQLError('x', { originalError: Object.assign(new TypeError('bad argument'), { code: 'ERR_INVALID_ARG_TYPE' }) }));
  logger.error(new GraphQLError('x', { originalError: new Error('lost', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }) }));

  expect(lines.map((l) => [l.level, l.msg])).toEqual([
    [30, 'refused: UNAUTHENTICATED'],
    [30, 'refused: BAD_USER_INPUT'],
    [50, 'database error 22P02'],
    [40, 'rate limiter: Redis unavailable'],
    [20, 'Processing GraphQL Parameters'],
    [50, 'unexpected error'],
    [40, 'database unavailable'],
  ]);
  expect(lines[5].err.cause).toMatchObject({ type: 'TypeError', message: 'bad argument', code: 'ERR_INVALID_ARG_TYPE' });
  expect(lines[5].err.cause.stack).toMatch(/^TypeError: bad argument\n\s+at /);
  expect(lines[6]).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dbCode: 'ECONNREFUSED' });
  expect(lines[6].err).toBeUndefined();
  expect(lines[0]).toMatchObject({ code: 'UNAUTHENTICATED', path: 'customers', reason: 'Unknown API key' });
  expect(lines[1]).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input.email'] });
  expect(lines[2]).toMatchObject({ dbCode: '22P02', errorClass: 'DrizzleQueryError' });
  expect(lines[3].err).toMatchObject({ type: 'Error', code: 'ECONNREFUSED' });
  expect(lines[4]).toMatchObject({ values: ['object'] });
  const text = JSON.stringify(lines);
  expect(text).not.toMatch(/li\.na|insert into|Failed query/);
  expect(JSON.stringify(lines.slice(0, 2))).not.toMatch(/stack|\bat /);
});
