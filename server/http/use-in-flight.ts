import type { Plugin } from 'graphql-yoga';
import { isPromiseLike } from '../shared/maybe-promise.ts';

/** How long yoga.dispose() waits at most for requests still being handled. */
export const IN_FLIGHT_GRACE_MS = 10_000;

type Handler = (request: Request, serverContext: never) => unknown;

/**
 * Lets yoga.dispose() wait for the requests still being handled. node:http's close() waits for
 * connections, not for handlers: a client that hangs up mid-request (or a connection cut at
 * SHUTDOWN_TIMEOUT_MS) leaves its handler running, and the database closed under it made its
 * write fail with CONNECTION_ENDED. The server disposes yoga before it closes the database, so
 * that now waits for them, for at most `graceMs`.
 *
 * Register it last: plugins are disposed in reverse order, so this one runs before the others
 * (the rate limiter's Redis) are gone.
 */
export function useInFlightRequests(graceMs: number | (() => number) = IN_FLIGHT_GRACE_MS): Plugin {
  let active = 0;
  let drained: (() => void) | undefined;
  const settle = () => {
    if (--active === 0) drained?.();
  };
  // The handler is the same function for every request: wrap it once, not per request.
  let original: Handler | undefined;
  let wrapped: Handler | undefined;
  const wrap =
    (handler: Handler): Handler =>
    (request, serverContext) => {
      active++;
      let result: unknown;
      try {
        result = handler(request, serverContext);
      } catch (error) {
        settle();
        throw error;
      }
      if (!isPromiseLike(result)) {
        settle();
        return result;
      }
      return result.then(
        (value) => {
          settle();
          return value;
        },
        (error: unknown) => {
          settle();
          throw error;
        },
      );
    };

  return {
    onRequest({ requestHandler, setRequestHandler }) {
      if (requestHandler !== original) {
        original = requestHandler as Handler;
        wrapped = wrap(original);
      }
      setRequestHandler(wrapped as typeof requestHandler);
    },
    onDispose() {
      if (active === 0) return;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, typeof graceMs === 'function' ? graceMs() : graceMs);
        drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}
