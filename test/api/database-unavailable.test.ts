import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../server/db/unavailable.ts';
import { maskError } from '../../server/http/mask-error.ts';
import { GraphQLError } from 'graphql';

const withCode = (code: string) => Object.assign(new Error('whatever the text'), { code });

describe('isDatabaseUnavailable (by error class, not message)', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECTION_CONNECT_TIMEOUT', '08006', '08001', '57P01', '57P03', '53300', '3D000'])(
    '%s is an outage, also wrapped as a cause',
    (code) => {
      expect(isDatabaseUnavailable(withCode(code))).toBe(true);
      expect(isDatabaseUnavailable(new Error('Failed query: select 1', { cause: withCode(code) }))).toBe(true);
    },
  );
  it.each(['23505', '42P01', '22P02', 'ERR_SOMETHING'])('%s is not', (code) => {
    expect(isDatabaseUnavailable(withCode(code))).toBe(false);
    expect(isDatabaseUnavailable(new Error('connection refused'))).toBe(false);
  });
  it('finds an outage inside an AggregateError', () => {
    expect(isDatabaseUnavailable(new AggregateError([withCode('ECONNREFUSED')]))).toBe(true);
  });
});

describe('maskError during an outage', () => {
  it('answers SERVICE_UNAVAILABLE with status 503 and Retry-After, nothing of the driver error', () => {
    const driver = new Error('Failed query: select * from sites where key = $1\nparams: pk_secret', { cause: withCode('ECONNREFUSED') });
    const masked = maskError(new GraphQLError(driver.message, { originalError: driver }), 'Unexpected error.');
    expect(masked).toBeInstanceOf(GraphQLError);
    const { extensions, message } = masked as GraphQLError;
    expect(extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(extensions.http).toEqual({ status: 503, headers: { 'retry-after': '5' } });
    expect(message).not.toMatch(/select|pk_secret/i);
  });
  it('keeps other internal errors masked', () => {
    const masked = maskError(new GraphQLError('boom', { originalError: withCode('23505') }), 'Unexpected error.') as GraphQLError;
    expect(masked.message).toBe('Unexpected error.');
  });
});
