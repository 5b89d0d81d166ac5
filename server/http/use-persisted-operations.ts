import { usePersistedOperations, type ExtractPersistedOperationId } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { isWidgetRequest } from '../auth/caller.ts';
import { persistedOperations, sha256Hex } from './persisted-operations.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The persisted operation a request names: Apollo style (`extensions.persistedQuery`,
 * version 1) or the GraphQL-over-HTTP draft's `documentId` (`sha256:<hex>` or bare hex).
 */
export const persistedOperationId: ExtractPersistedOperationId = (params) => {
  const { persistedQuery } = (params.extensions ?? {}) as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } };
  if (persistedQuery?.version === 1 && typeof persistedQuery.sha256Hash === 'string') return persistedQuery.sha256Hash;
  const documentId = (params as GraphQLParams & { documentId?: unknown }).documentId;
  if (typeof documentId === 'string') return documentId.startsWith('sha256:') ? documentId.slice(7) : documentId;
  return null;
};

/**
 * Widget requests (with a site key) may run only the widget operations of the manifest;
 * API-key callers may send any document (and may use the hashes too).
 *
 * A site key may also send the full text of a manifest document: that names exactly the same
 * operation as its hash, so nothing else becomes runnable, and test helpers and clients that
 * fall back from a hash to the text keep working. Anything else from a site key is refused.
 */
export function usePersistedWidgetOperations(): Plugin {
  const persisted = usePersistedOperations({
    allowArbitraryOperations: (request) => !isWidgetRequest(request),
    extractPersistedOperationId: persistedOperationId,
    getPersistedOperation: (hash) => (SHA256_HEX.test(hash) ? (persistedOperations.get(hash)?.ast ?? null) : null),
    customErrors: {
      persistedQueryOnly: {
        message:
          'Widget requests (with a site key) may run only the widget operations: send their sha256 hash as ' +
          'extensions.persistedQuery.sha256Hash (or documentId), not a query document',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 403 } },
      },
      notFound: {
        message: 'Unknown persisted operation: this server knows only the widget operations of widgets/persisted-operations.json',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'Must provide a query document or a persisted operation hash (extensions.persistedQuery.sha256Hash)',
        extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
      },
    },
  });

  return {
    onPluginInit({ addPlugin }) {
      // Added right after this plugin, so the text-to-hash step below runs before it.
      addPlugin(persisted);
    },
    onParams({ params, request, setParams }) {
      if (!params.query || !isWidgetRequest(request)) return;
      const hash = sha256Hex(params.query);
      if (!persistedOperations.has(hash)) return;
      setParams({
        operationName: params.operationName,
        variables: params.variables,
        extensions: { ...params.extensions, persistedQuery: { version: 1, sha256Hash: hash } },
      });
    },
  };
}

