import type { Clock } from '../clock/clock.ts';
import type { Database } from '../db/client.ts';
import type { sites } from '../db/tables/index.ts';

type SiteRow = typeof sites.$inferSelect;

/**
 * Who made a change, as events record it: an API key; a site's widget (with the customer a
 * valid customer token named, once the service has resolved it); or the system (the CLI, the
 * seed, later jobs). Later an agent.
 */
export type Actor =
  | { type: 'api_key'; id: string }
  | { type: 'site'; id: string }
  | { type: 'system'; id: string };

/**
 * Everything a service needs to act for one organization: built once per request from the
 * caller (or once by the CLI, the seed or a job), so no service takes a raw org id from its
 * caller and no resolver decides the org, the time or the actor on its own.
 */
export interface Tenant {
  readonly db: Database;
  readonly orgId: string;
  /** Business time: every timestamp a service writes or compares comes from here. */
  readonly clock: Clock;
  readonly actor: Actor;
}

/** A widget's tenant: the site's organization, with the site (its identity secret signs customer tokens). */
export interface SiteTenant extends Tenant {
  readonly site: SiteRow;
}

/** Database and clock without an organization yet: creating an organization, looking one up. */
export interface Platform {
  readonly db: Database;
  readonly clock: Clock;
}

/** A tenant for work no request asked for: the CLI, the seed, tests' fixtures, later jobs. */
export function systemTenant(platform: Platform, orgId: string, id = 'cli'): Tenant {
  return { db: platform.db, clock: platform.clock, orgId, actor: { type: 'system', id } };
}

/** The tenant of a site's widget, without a request (the seed, tests, benchmarks). */
export function siteTenant(platform: Platform, site: SiteRow): SiteTenant {
  return { db: platform.db, clock: platform.clock, orgId: site.orgId, actor: { type: 'site', id: site.id }, site };
}
