import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
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
  if (original instanceof GraphQLError && original.extensions?.code) return original;
  return yogaMaskError(error, message, isDev);
}
