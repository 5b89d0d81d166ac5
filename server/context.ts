import type { YogaInitialContext } from 'graphql-yoga';
import { callerOf, type Caller } from './auth/caller.ts';
import type { Clock } from './clock/clock.ts';
import type { Database } from './db/client.ts';
import { isPromiseLike } from './shared/maybe-promise.ts';
import type { SiteRow } from './db/tables/index.ts';

export interface Context {
  db: Database;
  caller: Caller;
  /** Business time for this request (the app's clock; a TestClock in tests). */
  clock: Clock;
}

export function createContextFactory(db: Database, clock: Clock) {
  // Without a promise when the caller is known (use-caller.ts resolved it before parsing).
  return ({ request }: YogaInitialContext): Context | Promise<Context> => {
    const caller = callerOf(db, request);
    return isPromiseLike(caller) ? caller.then((resolved) => ({ db, caller: resolved, clock })) : { db, caller, clock };
  };
}

/**
 * The organization every tenant read and write is scoped to. Fields that reach here are
 * guarded by scope-auth, so a missing org is a programming error, not a user error.
 */
export function orgIdOf(ctx: Context): string {
  if (ctx.caller.kind === 'anonymous') throw new Error('tenant field reached without an organization');
  return ctx.caller.orgId;
}

/** The site of a widget caller; public operations are guarded by the `site` scope. */
export function siteOf(ctx: Context): SiteRow {
  if (ctx.caller.kind !== 'site') throw new Error('widget operation reached without a site');
  return ctx.caller.site;
}
