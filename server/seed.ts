import type { Database } from './db/client.ts';
import { organizations } from './db/tables/index.ts';
import { createApiKey, createOrganization, type ApiKeyRow, type OrganizationRow } from './organizations/organizations.service.ts';
import { ConflictError } from './shared/errors.ts';

export const DEMO_ORG = { name: 'Demo', slug: 'demo' } as const;

/** What a first start created. Later issues add the demo site, survey… here. */
export interface DemoSeed {
  organization: OrganizationRow;
  /** The API key in clear: shown once, only its hash is stored. */
  apiKey: { key: string; row: ApiKeyRow };
}

/**
 * On an empty database (no organizations at all), creates the demo organization and a full-scope
 * API key, in one transaction. Returns undefined when there was anything already, so it never
 * creates a second demo organization; two instances starting together on one empty PostgreSQL
 * collide on the slug and the loser creates nothing.
 */
export async function seedDemo(db: Database): Promise<DemoSeed | undefined> {
  if ((await db.$count(organizations)) > 0) return undefined;
  try {
    return await db.transaction(async (tx) => {
      const executor = tx as unknown as Database;
      if ((await executor.$count(organizations)) > 0) return undefined;
      const organization = await createOrganization(executor, DEMO_ORG);
      const apiKey = await createApiKey(executor, organization.id, {
        name: 'demo',
        scopes: ['read', 'write', 'admin'],
      });
      return { organization, apiKey };
    });
  } catch (error) {
    if (error instanceof ConflictError) return undefined;
    throw error;
  }
}

/** The lines printed on the console after a first start seeded the demo data. */
export function describeDemoSeed(seed: DemoSeed, graphqlUrl: string): string {
  return [
    '',
    `Created the demo organization "${seed.organization.name}" (slug ${seed.organization.slug}).`,
    `Demo API key (shown once): ${seed.apiKey.key}`,
    'Only its hash is stored: copy it now. Use it as "Authorization: Bearer <key>" at',
    `${graphqlUrl} (in GraphiQL, under Headers). Create more with: npm run careloop -- key create --org ${seed.organization.slug} --scopes read,write,admin`,
    '',
  ].join('\n');
}
