import type { Plugin, YogaLogger } from 'graphql-yoga';
import { isDatabaseUnavailable, OUTAGE_RETRY_AFTER_SECONDS } from '../db/unavailable.ts';

/** The JSON answer of any path while the database is unreachable. */
export function outageResponse(Response: typeof globalThis.Response): Response {
  return Response.json(
    { data: null, errors: [{ message: 'The service is temporarily unavailable; retry later.', extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
    { status: 503, headers: { 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) } },
  );
}

/**
 * An error thrown by a hook outside GraphQL execution (the site lookup that resolves the caller
 * and CORS) would reach @whatwg-node/server, which answers 500 with the error's stack as text
 * (SQL, the publishable key as a parameter, file paths). This wraps the request handler: a lost
 * database answers 503 JSON with Retry-After, anything else a masked 500 JSON.
 */
export function useOutageAnswers(): Plugin {
  let logger: YogaLogger | undefined;
  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger as YogaLogger;
    },
    onRequest({ requestHandler, setRequestHandler, fetchAPI }) {
      setRequestHandler(async (request, context) => {
        try {
          return await requestHandler(request, context);
        } catch (error) {
          // Logged as yoga logs what it masks (server/logging: an outage at warn, a bug at error
          // with its stack, never SQL or parameters); the client gets only the code.
          logger?.error(error);
          if (isDatabaseUnavailable(error)) return outageResponse(fetchAPI.Response);
          return fetchAPI.Response.json(
            { data: null, errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] },
            { status: 500 },
          );
        }
      });
    },
  };
}
