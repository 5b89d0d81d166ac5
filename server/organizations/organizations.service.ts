import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { generateApiKey } from '../auth/api-keys.ts';
import { apiKeyScopes } from '../auth/scopes.ts';
import type { Database } from '../db/client.ts';
import type { Platform, Tenant } from '../tenant/tenant.ts';
import { apiKeys, organizations } from '../db/tables/index.ts';
import { ConflictError, NotFoundError } from '../shared/errors.ts';
import { boundedList, limits, shortText } from '../shared/limits.ts';
import { uniqueViolation } from '../shared/unique-violation.ts';
import { described, parseInput } from '../shared/validate.ts';
import { emit } from '../events/emit.ts';

export type OrganizationRow = typeof organizations.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

/** "Acme Care Ltd." → "acme-care-ltd". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

const organizationInput = z.object({
  name: shortText(),
  slug: z.string().regex(SLUG, 'must be lower-case letters, digits and dashes').optional(),
});

/**
 * Creates an organization. Without an explicit slug one is derived from the name (with a random
 * suffix if taken, or if the name has no latin letters, e.g. 客户关怀).
 */
export async function createOrganization(
  { db, clock }: Platform,
  raw: { name: string; slug?: string },
): Promise<OrganizationRow> {
  const input = parseInput(organizationInput, raw, []);
  const createdAt = clock.now().toISOString();
  const base = input.slug ?? (slugify(input.name) || 'org');
  for (let attempt = 0; attempt < 5; attempt++) {
    const slug = attempt === 0 && (input.slug || slugify(input.name)) ? base : `${base}-${randomBytes(3).toString('hex')}`;
    try {
      const [org] = await db.insert(organizations).values({ name: input.name, slug, createdAt }).returning();
      return org!;
    } catch (error) {
      if (!uniqueViolation(error)) throw error;
      if (input.slug) throw new ConflictError(`The slug ${slug} is taken`, 'slug');
    }
  }
  throw new ConflictError('Could not find a free slug; pass one explicitly', 'slug');
}

export async function findOrganizationBySlug(db: Database, slug: string): Promise<OrganizationRow | undefined> {
  const [org] = await db.select().from(organizations).where(eq(organizations.slug, slug)).limit(1);
  return org;
}

export async function requireOrganization({ db, orgId: id }: Tenant): Promise<OrganizationRow> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, id)).limit(1);
  if (!org) throw new NotFoundError('Organization', id);
  return org;
}

/** A new API key; CreateApiKeyInput in GraphQL. */
export const apiKeyInput = z.object({
  name: described(shortText(), `A name for people, 1 to ${limits.shortText} characters.`),
  scopes: described(
    boundedList(z.enum(apiKeyScopes), apiKeyScopes.length)
      .min(1, 'must name at least one scope')
      .transform((s) => [...new Set(s)]),
    'What the key may do: at least one scope.',
  ),
});

/** Creates a key and returns it once in clear; only its SHA-256 hash is stored. */
export async function createApiKey(
  tenant: Tenant,
  raw: unknown,
  path: string[] = [],
): Promise<{ key: string; row: ApiKeyRow }> {
  const input = parseInput(apiKeyInput, raw, path);
  const { key, prefix, hash } = generateApiKey();
  const { db, orgId } = tenant;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ orgId, name: input.name, scopes: input.scopes, prefix, keyHash: hash, createdAt: tenant.clock.now().toISOString() })
      .returning();
    await emit(tx, tenant, { type: 'api_key.created', aggregateId: row!.id, payload: { scopes: row!.scopes } });
    return { key, row: row! };
  });
}

export function listApiKeys({ db, orgId }: Tenant): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.orgId, orgId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/** Revokes a key of the org. Revoking twice keeps the first revocation time. */
export async function revokeApiKey(tenant: Tenant, id: string): Promise<ApiKeyRow> {
  const { db, orgId } = tenant;
  const scope = and(eq(apiKeys.id, id), eq(apiKeys.orgId, orgId));
  return db.transaction(async (tx) => {
    // Only a key not yet revoked is updated (and records an event); a second revocation reads it.
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: tenant.clock.now().toISOString() })
      .where(and(scope, isNull(apiKeys.revokedAt)))
      .returning();
    if (revoked) {
      await emit(tx, tenant, { type: 'api_key.revoked', aggregateId: id, payload: {} });
      return revoked;
    }
    const [already] = await tx.select().from(apiKeys).where(scope).limit(1);
    if (!already) throw new NotFoundError('ApiKey', id);
    return already;
  });
}

/** The organization a key belongs to (the CLI revokes by key id alone). */
export async function findApiKeyOrgId(db: Database, id: string): Promise<string | undefined> {
  const [row] = await db.select({ orgId: apiKeys.orgId }).from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
  return row?.orgId;
}

export async function countActiveKeys({ db, orgId }: Tenant): Promise<number> {
  return db.$count(apiKeys, and(eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)));
}
