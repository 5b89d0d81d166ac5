import type { YogaInitialContext } from 'graphql-yoga';
import { callerOf, touchLastUsed, type Caller } from './auth/caller.ts';
import type { Clock } from './clock/clock.ts';
import type { Database } from './db/client.ts';
import { isPromiseLike } from './shared/maybe-promise.ts';
import type { SiteRow } from './db/tables/index.ts';
import type { SiteTenant, Tenant } from './tenant/tenant.ts';

export interface Context {
  db: Database;
  caller: Caller;
  /** Business time for this request (the app's clock; a TestClock in tests). */
  clock: Clock;
  /** The caller's organization as services take it; null for an anonymous caller. */
  tenant: Tenant | SiteTenant | null;
}

export function createContextFactory(db: Database, clock: Clock) {
  const contextFor = (caller: Caller): Context => {
    if (caller.kind === 'apiKey') touchLastUsed(db, caller.keyId, clock);
    return { db, caller, clock, tenant: tenantFor(db, clock, caller) };
  };
  // Without a promise when the caller is known (use-caller.ts resolved it before parsing).
  return ({ request }: YogaInitialContext): Context | Promise<Context> => {
    const caller = callerOf(db, request);
    return isPromiseLike(caller) ? caller.then(contextFor) : contextFor(caller);
  };
}

function tenantFor(db: Database, clock: Clock, caller: Caller): Tenant | SiteTenant | null {
  if (caller.kind === 'apiKey') return { db, clock, orgId: caller.orgId, actor: { type: 'api_key', id: caller.keyId } };
  if (caller.kind === 'site') return { db, clock, orgId: caller.orgId, actor: { type: 'site', id: caller.site.id }, site: caller.site };
  return null;
}

/**
 * The tenant every service call of a resolver gets. Fields that reach here are guarded by
 * scope-auth, so a missing tenant is a programming error, not a user error.
 */
export function tenantOf(ctx: Context): Tenant {
  if (!ctx.tenant) throw new Error('tenant field reached without an organization');
  return ctx.tenant;
}

/** The tenant of a widget caller; public operations are guarded by the `site` scope. */
export function siteTenantOf(ctx: Context): SiteTenant {
  if (!ctx.tenant || !('site' in ctx.tenant)) throw new Error('widget operation reached without a site');
  return ctx.tenant;
}

/** The organization of a read the resolver hands to drizzle itself (nested relational reads). */
export const orgIdOf = (ctx: Context): string => tenantOf(ctx).orgId;

/** The site of a widget caller. */
export const siteOf = (ctx: Context): SiteRow => siteTenantOf(ctx).site;
