import { retargetCustomerComplaints } from '../complaints/sla/clocks.service.ts';
import { and, arrayContains, eq, ilike, inArray, isNull, or, type SQL } from 'drizzle-orm';
import type { Tenant } from '../tenant/tenant.ts';
import { customers, purchases } from '../db/tables/index.ts';
import { ValidationError } from '../shared/errors.ts';
import { parseInput } from '../shared/validate.ts';
import { changedFields, emit } from '../events/emit.ts';
import { claimIdentity, syncProfileIdentity } from './customers.identities.ts';
import { createCustomerInput, parseProfile, purchaseInput, updateCustomerInput, type IdentityInput } from './customers.input.ts';
import {
  assertExternalIdFree,
  requireCustomer,
  requireNotErased,
  withConflicts,
  type CustomerRow,
} from './customers.rows.ts';

export type { CustomerRow };

export interface CustomerFilter {
  tier?: CustomerRow['tier'] | null;
  lifecycleStage?: CustomerRow['lifecycleStage'] | null;
  tag?: string | null;
  search?: string | null;
}

/** The list filter as SQL over `table`, which may be the alias the relational query gives it. */
export function customerFilterSql(table: typeof customers, orgId: string, filter: CustomerFilter = {}): SQL {
  const search = filter.search?.trim();
  if (search && search.length > 200) throw ValidationError.single(['filter', 'search'], 'must be at most 200 characters');
  // Phones are stored normalized, so "138 0013" is looked for as "1380013" there.
  const phoneSearch = search?.replace(/[\s().-]/g, '');
  const tag = filter.tag?.trim();
  return and(
    eq(table.orgId, orgId),
    isNull(table.erasedAt),
    filter.tier ? eq(table.tier, filter.tier) : undefined,
    filter.lifecycleStage ? eq(table.lifecycleStage, filter.lifecycleStage) : undefined,
    tag ? arrayContains(table.tags, [tag]) : undefined,
    search
      ? or(
          ilike(table.name, containing(search)),
          ilike(table.email, containing(search)),
          phoneSearch ? ilike(table.phone, containing(phoneSearch)) : undefined,
        )
      : undefined,
  )!;
}

/** A LIKE pattern matching `text` anywhere, with % and _ in it taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function countCustomers({ db, orgId }: Tenant, filter?: CustomerFilter): Promise<number> {
  return db.$count(customers, customerFilterSql(customers, orgId, filter));
}

/**
 * The handles a new customer gets, each with the input field that carried it (named by a
 * ConflictError): email and phone first, then the further identities, each handle once.
 */
function wantedIdentities(
  profile: { email?: string | null; phone?: string | null },
  identities: IdentityInput[],
): { identity: IdentityInput; field: string }[] {
  const wanted = [
    ...(profile.email ? [{ identity: { channel: 'email' as const, value: profile.email, verified: false }, field: 'email' }] : []),
    ...(profile.phone ? [{ identity: { channel: 'phone' as const, value: profile.phone, verified: false }, field: 'phone' }] : []),
    ...identities.map((identity, i) => ({ identity, field: `identities.${i}` })),
  ];
  const seen = new Map<string, (typeof wanted)[number]>();
  for (const item of wanted) {
    const key = `${item.identity.channel}\u0000${item.identity.value}`;
    const earlier = seen.get(key);
    // Keep the first (the profile field) but let an explicit `verified: true` win.
    if (!earlier) seen.set(key, { ...item, identity: { ...item.identity } });
    else if (item.identity.verified) earlier.identity.verified = true;
  }
  return [...seen.values()];
}

export async function createCustomer(tenant: Tenant, rawInput: unknown): Promise<CustomerRow> {
  const { identities = [], tier, ...profile } = parseProfile(createCustomerInput, rawInput, tenant.clock);
  const { db, orgId } = tenant;
  const wanted = wantedIdentities(profile, identities);
  // Without an email (phone) field, the first email (phone) handle given becomes it.
  const firstOn = (channel: 'email' | 'phone') => wanted.find((w) => w.identity.channel === channel)?.identity.value;
  return withConflicts(() =>
    db.transaction(async (tx) => {
      await assertExternalIdFree(tx, orgId, profile.externalId);
      const now = tenant.clock.now().toISOString();
      const [customer] = await tx
        .insert(customers)
        .values({
          ...profile,
          email: firstOn('email') ?? null,
          phone: firstOn('phone') ?? null,
          orgId,
          tier,
          tierSource: tier ? 'manual' : null,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      for (const { identity, field } of wanted) await claimIdentity(tx, tenant, customer!.id, identity, field);
      const fields = changedFields({ ...profile, tier, identities: identities.length ? identities : undefined });
      await emit(tx, tenant, { type: 'customer.created', aggregateId: customer!.id, payload: { fields } });
      return customer!;
    }),
  );
}

export async function updateCustomer(tenant: Tenant, id: string, rawInput: unknown): Promise<CustomerRow> {
  const input = parseProfile(updateCustomerInput, rawInput, tenant.clock);
  const { db, orgId } = tenant;
  return withConflicts(() =>
    db.transaction(async (tx) => {
      const customer = await requireCustomer(tx, orgId, id, true);
      requireNotErased(customer, ['input', 'id']);
      await assertExternalIdFree(tx, orgId, input.externalId, id);
      await syncProfileIdentity(tx, tenant, customer, 'email', input.email);
      await syncProfileIdentity(tx, tenant, customer, 'phone', input.phone);
      const { tier, ...profile } = input;
      const tierChange = tier === undefined ? {} : { tier, tierSource: tier ? ('manual' as const) : null };
      const [updated] = await tx
        .update(customers)
        .set({ ...profile, ...tierChange, updatedAt: tenant.clock.now().toISOString() })
        .where(and(eq(customers.orgId, orgId), eq(customers.id, id)))
        .returning();
      await emit(tx, tenant, { type: 'customer.updated', aggregateId: id, payload: { fields: changedFields(input) } });
      // A new tier tightens or loosens the SLA targets of the customer's open complaints.
      if (tier !== undefined && tier !== customer.tier) await retargetCustomerComplaints(tx, tenant, id);
      return updated!;
    }),
  );
}

export async function recordPurchase(
  tenant: Tenant,
  customerId: string,
  rawInput: unknown,
): Promise<typeof purchases.$inferSelect> {
  const input = parseInput(purchaseInput, rawInput);
  const { db, orgId } = tenant;
  return db.transaction(async (tx) => {
    // Locked, so a concurrent merge or erasure is waited for instead of racing this insert.
    const customer = await requireCustomer(tx, orgId, customerId, true);
    requireNotErased(customer, ['input', 'customerId']);
    const [purchase] = await tx
      .insert(purchases)
      .values({
        ...input,
        purchasedAt: new Date(input.purchasedAt).toISOString(),
        orgId,
        customerId,
        createdAt: tenant.clock.now().toISOString(),
      })
      .returning();
    await emit(tx, tenant, { type: 'customer.purchase_recorded', aggregateId: customerId, payload: { purchaseId: purchase!.id } });
    return purchase!;
  });
}

export async function customersByIds({ db, orgId }: Tenant, ids: string[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(customers)
    .where(and(eq(customers.orgId, orgId), inArray(customers.id, ids)));
}

