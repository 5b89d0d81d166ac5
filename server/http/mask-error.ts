import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { isDatabaseUnavailable, OUTAGE_RETRY_AFTER_SECONDS } from '../db/unavailable.ts';
import { CareloopError, ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts';

const codeOf = (error: CareloopError) =>
  error instanceof NotFoundError
    ? 'NOT_FOUND'
    : error instanceof ValidationError
      ? 'BAD_USER_INPUT'
      : error instanceof ConflictError
        ? 'CONFLICT'
        : 'BAD_REQUEST';

/**
 * Expected failures thrown outside a typed-result field (a bad id in a query) and arguments
 * Pothos refuses reach the client with their message and a stable code; our own GraphQLErrors
 * (UNAUTHENTICATED, FORBIDDEN) pass as they are; everything else is masked by yoga and only
 * logged.
 */
export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof CareloopError && error instanceof GraphQLError) {
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: {
        code: codeOf(original),
        ...(original instanceof ValidationError ? { issues: original.issues } : {}),
      },
    });
  }
  // Pothos refuses malformed arguments it parses itself (global IDs, cursors, page sizes).
  if (original instanceof PothosValidationError && error instanceof GraphQLError) {
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  if (original instanceof GraphQLError && original.extensions?.code) {
    // Thrown without a place (scope-auth's UNAUTHENTICATED / FORBIDDEN): the error graphql-js
    // wrapped it in knows the field, and the client needs its path.
    if (error instanceof GraphQLError && error.path && !original.path) {
      return new GraphQLError(original.message, { nodes: error.nodes, path: error.path, extensions: original.extensions });
    }
    return original;
  }
  // A lost database is not a bug: 503 with Retry-After (yoga takes status and headers from
  // extensions.http) so that widgets and servers retry; nothing of the driver's error is shown.
  if (isDatabaseUnavailable(original)) return serviceUnavailableError();

  return yogaMaskError(error, message, isDev);
}

export function serviceUnavailableError(): GraphQLError {
  return new GraphQLError('The service is temporarily unavailable; retry later.', {
    extensions: {
      code: 'SERVICE_UNAVAILABLE',
      http: { status: 503, headers: { 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) } },
    },
  });
}
