import type { YogaInitialContext } from 'graphql-yoga';
import { resolveCaller, type Caller } from './auth/caller.ts';
import type { Database } from './db/client.ts';

export interface Context {
  db: Database;
  caller: Caller;
}

export function createContextFactory(db: Database) {
  return async ({ request }: YogaInitialContext): Promise<Context> => ({
    db,
    caller: await resolveCaller(db, request.headers.get('authorization')),
  });
}

/**
 * The organization every tenant read and write is scoped to. Fields that reach here are
 * guarded by scope-auth, so a missing org is a programming error, not a user error.
 */
export function orgIdOf(ctx: Context): string {
  if (ctx.caller.kind !== 'apiKey') throw new Error('tenant field reached without an organization');
  return ctx.caller.orgId;
}
