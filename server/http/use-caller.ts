import type { Plugin } from 'graphql-yoga';
import { callerOf } from '../auth/caller.ts';
import type { Database } from '../db/client.ts';
import { isPromiseLike } from '../shared/maybe-promise.ts';

/**
 * Resolves who is calling as soon as a request's GraphQL parameters arrive, before anything is
 * parsed: every later plugin then asks the resolved caller (isWidgetRequest) whether widget
 * rules apply, instead of reading the site-key header itself, and an unknown key or a refused
 * origin is answered before the server spends parsing or validation on the document. Placed
 * ahead of every plugin that asks.
 */
export function useCaller(db: Database): Plugin {
  return {
    onParams({ request }) {
      const caller = callerOf(db, request);
      if (isPromiseLike(caller)) return caller.then(() => undefined);
    },
  };
}
