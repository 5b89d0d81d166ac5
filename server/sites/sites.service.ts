import { and, desc, eq } from 'drizzle-orm';
import { forgetSite } from '../auth/site-lookup.ts';
import { generateIdentitySecret, generatePublishableKey } from '../auth/site-keys.ts';
import { sites, type SiteRow } from '../db/tables/index.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { Tenant } from '../tenant/tenant.ts';
import { parseInput } from '../shared/validate.ts';
import { changedFields, emit } from '../events/emit.ts';
import { createSiteInput, updateSiteInput } from './sites.input.ts';

export type { SiteRow };


export async function createSite(tenant: Tenant, raw: unknown): Promise<SiteRow> {
  const input = parseInput(createSiteInput, raw, ['input']);
  const { db, orgId } = tenant;
  const now = tenant.clock.now().toISOString();
  return db.transaction(async (tx) => {
    const [site] = await tx
      .insert(sites)
      .values({
        ...input,
        orgId,
        createdAt: now,
        updatedAt: now,
        publishableKey: generatePublishableKey(),
        identitySecret: generateIdentitySecret(),
      })
      .returning();
    await emit(tx, tenant, { type: 'site.created', aggregateId: site!.id, payload: { fields: changedFields(input) } });
    return site!;
  });
}

export async function updateSite(tenant: Tenant, id: string, raw: unknown): Promise<SiteRow> {
  const input = parseInput(updateSiteInput, raw, ['input']);
  const { db, orgId } = tenant;
  const site = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(sites)
      .set({ ...input, updatedAt: tenant.clock.now().toISOString() })
      .where(and(eq(sites.orgId, orgId), eq(sites.id, id)))
      .returning();
    if (!row) throw new NotFoundError('Site', id);
    await emit(tx, tenant, { type: 'site.updated', aggregateId: id, payload: { fields: changedFields(input) } });
    return row;
  });
  forgetSite(db, site.id);
  return site;
}

/** New publishable key and identity secret; the old ones stop working at once. */
export async function rotateSiteKeys(tenant: Tenant, id: string): Promise<SiteRow> {
  const { db, orgId } = tenant;
  const now = tenant.clock.now().toISOString();
  const site = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(sites)
      .set({
        publishableKey: generatePublishableKey(),
        identitySecret: generateIdentitySecret(),
        keysRotatedAt: now,
        updatedAt: now,
      })
      .where(and(eq(sites.orgId, orgId), eq(sites.id, id)))
      .returning();
    if (!row) throw new NotFoundError('Site', id);
    await emit(tx, tenant, { type: 'site.keys_rotated', aggregateId: id, payload: {} });
    return row;
  });
  forgetSite(db, site.id);
  return site;
}

export function listSites({ db, orgId }: Tenant): Promise<SiteRow[]> {
  return db.select().from(sites).where(eq(sites.orgId, orgId)).orderBy(desc(sites.createdAt), desc(sites.id));
}
