import { and, eq } from 'drizzle-orm';
import type { Tenant } from '../tenant/tenant.ts';
import { customers } from '../db/tables/index.ts';
import { ValidationError } from '../shared/errors.ts';
import { limits } from '../shared/limits.ts';
import { emit } from '../events/emit.ts';
import { mergedContactPreferences } from './contact-preferences.ts';
import { cancelCareForErased, prepareCareForMerge } from '../care-plans/scheduler/customer-exits.ts';
import { customerLinks } from './customer-links.ts';
import { requireCustomer, withConflicts, type CustomerRow } from './customers.rows.ts';

/**
 * Merges the source customer into the target: every linked row (the tables of customer-links.ts)
 * moves to the target, the target's blank profile fields are filled from the source, and the
 * source is deleted. One transaction.
 */
export async function mergeCustomers(tenant: Tenant, sourceId: string, targetId: string): Promise<CustomerRow> {
  const { db, orgId } = tenant;
  // UUIDs compare case-insensitively in PostgreSQL: an upper-case copy of the same id is the same customer.
  if (sourceId.toLowerCase() === targetId.toLowerCase()) throw ValidationError.single(['input', 'sourceId'], 'cannot merge a customer into itself');
  return withConflicts(() =>
    db.transaction(async (tx) => {
      // Lock in id order so two opposite merges cannot deadlock.
      const [first, second] = [sourceId, targetId].sort();
      const locked = new Map<string, CustomerRow>();
      for (const id of [first!, second!]) locked.set(id, await requireCustomer(tx, orgId, id, true));
      const source = locked.get(sourceId)!;
      const target = locked.get(targetId)!;
      if (source.erasedAt) throw ValidationError.single(['input', 'sourceId'], 'an erased customer cannot be merged');
      if (target.erasedAt) throw ValidationError.single(['input', 'targetId'], 'an erased customer cannot be merged');
      const tags = [...new Set([...target.tags, ...source.tags])];
      const attributes = { ...source.attributes, ...target.attributes };
      refuseOverLimits(tags, attributes);

      await prepareCareForMerge(tx, tenant, sourceId, targetId);
      for (const link of customerLinks) {
        await tx
          .update(link.table)
          .set({ [columnKey(link.table, link.customerId)]: targetId })
          .where(and(eq(link.orgId, orgId), eq(link.customerId, sourceId)));
      }
      await tx.delete(customers).where(and(eq(customers.orgId, orgId), eq(customers.id, sourceId)));

      const pick = <K extends keyof CustomerRow>(key: K) => target[key] ?? source[key];
      const tierFrom = survivingTier(source, target);
      const [merged] = await tx
        .update(customers)
        .set({
          externalId: pick('externalId'),
          name: pick('name'),
          email: pick('email'),
          phone: pick('phone'),
          birthday: pick('birthday'),
          locale: pick('locale'),
          gender: pick('gender'),
          timeZone: pick('timeZone'),
          ...mergedContactPreferences(source, target),
          tier: tierFrom.tier,
          tierSource: tierFrom.tierSource,
          specialNeeds: [...new Set([...target.specialNeeds, ...source.specialNeeds])],
          tags,
          attributes,
          createdAt: Date.parse(source.createdAt) < Date.parse(target.createdAt) ? source.createdAt : target.createdAt,
          updatedAt: tenant.clock.now().toISOString(),
        })
        .where(eq(customers.id, targetId))
        .returning();
      await emit(tx, tenant, { type: 'customer.merged', aggregateId: targetId, payload: { sourceId } });
      return merged!;
    }),
  );
}

/**
 * The merged profile must fit the limits any update must fit: refused before anything moves,
 * rather than stored past them or cut silently (which tags or attributes would go?).
 */
function refuseOverLimits(tags: string[], attributes: Record<string, unknown>): void {
  const issues: { path: string[]; message: string }[] = [];
  if (tags.length > limits.listItems) {
    issues.push({ path: ['input', 'sourceId'], message: `the merged customer would have ${tags.length} tags, more than ${limits.listItems}: remove some first` });
  }
  const bytes = Buffer.byteLength(JSON.stringify(attributes));
  if (bytes > limits.attributesBytes) {
    issues.push({
      path: ['input', 'sourceId'],
      message: `the merged attributes would be ${bytes} bytes of JSON, more than ${limits.attributesBytes}: remove some first`,
    });
  }
  if (issues.length) throw new ValidationError(issues);
}

/**
 * The tier the merged customer keeps: a manual tier is someone's decision and beats a computed
 * one, which the next recomputeTiers redoes anyway; otherwise the target's, if it has one.
 */
function survivingTier(source: CustomerRow, target: CustomerRow): CustomerRow {
  if (target.tierSource === 'manual') return target;
  if (source.tierSource === 'manual') return source;
  return target.tier ? target : source;
}

/** The TypeScript key of a column, which drizzle's `.set()` wants (not the SQL name). */
function columnKey(table: object, column: object): string {
  const entry = Object.entries(table).find(([, value]) => value === column);
  if (!entry) throw new Error('customer link column is not a column of its table');
  return entry[0];
}

/**
 * Right to erasure: personal data goes, the row stays as an anonymous stub (tier, stage and
 * linked feedback keep statistics true). Purchases keep product, date and value, lose the
 * free text that may describe the person.
 */
export async function eraseCustomer(tenant: Tenant, id: string): Promise<CustomerRow> {
  const { db, orgId } = tenant;
  return db.transaction(async (tx) => {
    const customer = await requireCustomer(tx, orgId, id, true);
    if (customer.erasedAt) return customer;
    for (const link of customerLinks) {
      const ofCustomer = and(eq(link.orgId, orgId), eq(link.customerId, id));
      if (link.erase === 'delete') await tx.delete(link.table).where(ofCustomer);
      else if (link.erase !== 'keep') await tx.update(link.table).set(link.erase).where(ofCustomer);
    }
    // After the blanking, so the cancelled touchpoints keep their reason code (nothing personal).
    await cancelCareForErased(tx, tenant, id);
    const [erased] = await tx
      .update(customers)
      .set({
        externalId: null,
        name: null,
        email: null,
        phone: null,
        birthday: null,
        locale: null,
        gender: null,
        timeZone: null,
        contactChannels: null,
        careOptedOutAt: null,
        specialNeeds: [],
        tags: [],
        attributes: {},
        erasedAt: tenant.clock.now().toISOString(),
        updatedAt: tenant.clock.now().toISOString(),
      })
      .where(and(eq(customers.orgId, orgId), eq(customers.id, id)))
      .returning();
    await emit(tx, tenant, { type: 'customer.erased', aggregateId: id, payload: {} });
    return erased!;
  });
}

/**
 * Everything held on one person, as a JSON document (right of access / portability). Read in
 * one repeatable-read transaction, so a merge or erasure running meanwhile cannot leave the
 * document half before and half after it.
 */
export async function exportCustomer(tenant: Tenant, id: string): Promise<Record<string, unknown>> {
  const { db, orgId } = tenant;
  return db.transaction(
    async (tx) => {
      const customer = await requireCustomer(tx, orgId, id);
      const document: Record<string, unknown> = {
        exportedAt: tenant.clock.now().toISOString(),
        customer: withoutOrg(customer),
      };
      for (const link of customerLinks) {
        const rows = await tx
          .select()
          .from(link.table)
          .where(and(eq(link.orgId, orgId), eq(link.customerId, id)))
          .orderBy(...(link.order ?? []));
        document[link.name] = (rows as Record<string, unknown>[]).map((row) => omit(withoutOrg(row), link.exportOmits));
      }
      return document;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

function withoutOrg<T extends Record<string, unknown>>(row: T): Omit<T, 'orgId'> {
  const { orgId: _orgId, ...rest } = row;
  return rest;
}

function omit(row: Record<string, unknown>, keys: readonly string[] = []): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key)));
}
