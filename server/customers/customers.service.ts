import { and, arrayContains, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { customerIdentities, customers, purchases } from '../db/tables/index.ts';
import type { Executor } from '../db/transaction.ts';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { shortText } from '../shared/limits.ts';
import { uniqueViolation } from '../shared/unique-violation.ts';
import { parseInput } from '../shared/validate.ts';
import { registerCustomerLink } from './customer-links.ts';
import {
  createCustomerInput,
  identityInput,
  purchaseInput,
  updateCustomerInput,
  type IdentityInput,
} from './customers.input.ts';
import type { IdentityChannel } from './identity-values.ts';
import { normalizeIdentity } from './identity-values.ts';

registerCustomerLink({
  name: 'identities',
  table: customerIdentities,
  orgId: customerIdentities.orgId,
  customerId: customerIdentities.customerId,
});
registerCustomerLink({
  name: 'purchases',
  table: purchases,
  orgId: purchases.orgId,
  customerId: purchases.customerId,
});

export type CustomerRow = typeof customers.$inferSelect;

export interface CustomerFilter {
  tier?: CustomerRow['tier'] | null;
  lifecycleStage?: CustomerRow['lifecycleStage'] | null;
  tag?: string | null;
  search?: string | null;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The list filter as SQL over `table`, which may be the alias the relational query gives it. */
export function customerFilterSql(table: typeof customers, orgId: string, filter: CustomerFilter = {}): SQL {
  const search = filter.search?.trim();
  if (search && search.length > 200) throw ValidationError.single(['filter', 'search'], 'must be at most 200 characters');
  const pattern = search ? `%${escapeLike(search)}%` : undefined;
  return and(
    eq(table.orgId, orgId),
    isNull(table.erasedAt),
    filter.tier ? eq(table.tier, filter.tier) : undefined,
    filter.lifecycleStage ? eq(table.lifecycleStage, filter.lifecycleStage) : undefined,
    filter.tag ? arrayContains(table.tags, [filter.tag]) : undefined,
    pattern
      ? or(ilike(table.name, pattern), ilike(table.email, pattern), ilike(table.phone, pattern))
      : undefined,
  )!;
}

export function countCustomers(db: Database, orgId: string, filter?: CustomerFilter): Promise<number> {
  return db.$count(customers, customerFilterSql(customers, orgId, filter));
}

export async function requireCustomer(db: Executor, orgId: string, id: string, lock = false): Promise<CustomerRow> {
  const query = db
    .select()
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, id)))
    .limit(1);
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw new NotFoundError('Customer', id);
  return row;
}

function requireNotErased(customer: CustomerRow, path: string[]): void {
  if (customer.erasedAt) throw ValidationError.single(path, 'this customer was erased and cannot be changed');
}

export async function findCustomerIdByIdentity(
  db: Database,
  orgId: string,
  channel: IdentityChannel,
  rawValue: string,
): Promise<string | undefined> {
  const normalized = normalizeIdentity(channel, rawValue);
  if ('error' in normalized) throw ValidationError.single(['value'], normalized.error);
  const [row] = await db
    .select({ customerId: customerIdentities.customerId })
    .from(customerIdentities)
    .where(
      and(
        eq(customerIdentities.orgId, orgId),
        eq(customerIdentities.channel, channel),
        eq(customerIdentities.value, normalized.value),
      ),
    )
    .limit(1);
  return row?.customerId;
}

/** Refuses identities held by another customer, naming the input field that collides. */
async function assertIdentitiesFree(
  tx: Executor,
  orgId: string,
  wanted: { identity: IdentityInput; field: string }[],
  ownerId?: string,
): Promise<void> {
  for (const { identity, field } of wanted) {
    const [holder] = await tx
      .select({ customerId: customerIdentities.customerId })
      .from(customerIdentities)
      .where(
        and(
          eq(customerIdentities.orgId, orgId),
          eq(customerIdentities.channel, identity.channel),
          eq(customerIdentities.value, identity.value),
        ),
      )
      .limit(1);
    if (holder && holder.customerId !== ownerId) {
      throw new ConflictError(`${identity.channel} ${identity.value} already belongs to another customer`, field);
    }
  }
}

/** Maps a unique violation that slipped past the checks (a concurrent writer) to a ConflictError. */
export async function withConflicts<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const violation = uniqueViolation(error);
    if (!violation) throw error;
    if (violation.constraint?.includes('external_id')) {
      throw new ConflictError('Another customer already has this externalId', 'externalId');
    }
    if (violation.constraint?.includes('identities')) {
      throw new ConflictError('This identity already belongs to another customer', 'identities');
    }
    throw new ConflictError('This would duplicate an existing record');
  }
}

async function assertExternalIdFree(tx: Executor, orgId: string, externalId: string | null | undefined, ownerId?: string) {
  if (!externalId) return;
  const [holder] = await tx
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.externalId, externalId)))
    .limit(1);
  if (holder && holder.id !== ownerId) {
    throw new ConflictError(`Another customer already has externalId ${externalId}`, 'externalId');
  }
}

export async function createCustomer(db: Database, orgId: string, rawInput: unknown): Promise<CustomerRow> {
  const { identities = [], tier, ...profile } = parseInput(createCustomerInput, rawInput);
  const profileIdentities = [
    ...(profile.email ? [{ identity: { channel: 'email' as const, value: profile.email, verified: false }, field: 'email' }] : []),
    ...(profile.phone ? [{ identity: { channel: 'phone' as const, value: profile.phone, verified: false }, field: 'phone' }] : []),
  ];
  const wanted = dedupeIdentities([
    ...profileIdentities,
    ...identities.map((identity, i) => ({ identity, field: `identities.${i}` })),
  ]);
  return withConflicts(() =>
    db.transaction(async (tx) => {
      await assertExternalIdFree(tx, orgId, profile.externalId);
      await assertIdentitiesFree(tx, orgId, wanted);
      const [customer] = await tx
        .insert(customers)
        .values({ ...profile, orgId, tier, tierSource: tier ? 'manual' : null })
        .returning();
      if (wanted.length > 0) {
        await tx.insert(customerIdentities).values(
          wanted.map(({ identity }) => ({ ...identity, orgId, customerId: customer!.id })),
        );
      }
      return customer!;
    }),
  );
}

function dedupeIdentities<T extends { identity: IdentityInput }>(list: T[]): T[] {
  const seen = new Map<string, T>();
  for (const item of list) {
    const key = `${item.identity.channel}\u0000${item.identity.value}`;
    const earlier = seen.get(key);
    // Keep the first (the profile field) but let an explicit `verified: true` win.
    if (!earlier) seen.set(key, item);
    else if (item.identity.verified) earlier.identity.verified = true;
  }
  return [...seen.values()];
}

/** Keeps the email or phone identity in step with the profile field it mirrors. */
async function syncProfileIdentity(
  tx: Executor,
  customer: CustomerRow,
  channel: 'email' | 'phone',
  next: string | null | undefined,
): Promise<void> {
  const previous = customer[channel];
  if (next === undefined || next === previous) return;
  if (previous) {
    await tx
      .delete(customerIdentities)
      .where(
        and(
          eq(customerIdentities.orgId, customer.orgId),
          eq(customerIdentities.customerId, customer.id),
          eq(customerIdentities.channel, channel),
          eq(customerIdentities.value, previous),
        ),
      );
  }
  if (next) {
    await tx
      .insert(customerIdentities)
      .values({ orgId: customer.orgId, customerId: customer.id, channel, value: next })
      .onConflictDoNothing();
  }
}

export async function updateCustomer(db: Database, orgId: string, id: string, rawInput: unknown): Promise<CustomerRow> {
  const input = parseInput(updateCustomerInput, rawInput);
  return withConflicts(() =>
    db.transaction(async (tx) => {
      const customer = await requireCustomer(tx, orgId, id, true);
      requireNotErased(customer, ['id']);
      await assertExternalIdFree(tx, orgId, input.externalId, id);
      const wanted = [
        ...(input.email ? [{ identity: { channel: 'email' as const, value: input.email, verified: false }, field: 'email' }] : []),
        ...(input.phone ? [{ identity: { channel: 'phone' as const, value: input.phone, verified: false }, field: 'phone' }] : []),
      ];
      await assertIdentitiesFree(tx, orgId, wanted, id);
      await syncProfileIdentity(tx, customer, 'email', input.email);
      await syncProfileIdentity(tx, customer, 'phone', input.phone);
      const { tier, ...profile } = input;
      const tierChange = tier === undefined ? {} : { tier, tierSource: tier ? ('manual' as const) : null };
      const [updated] = await tx
        .update(customers)
        .set({ ...profile, ...tierChange, updatedAt: sql`now()` })
        .where(and(eq(customers.orgId, orgId), eq(customers.id, id)))
        .returning();
      return updated!;
    }),
  );
}

export async function addCustomerIdentity(
  db: Database,
  orgId: string,
  customerId: string,
  rawInput: unknown,
): Promise<CustomerRow> {
  const identity = parseInput(identityInput, rawInput);
  return withConflicts(() =>
    db.transaction(async (tx) => {
      const customer = await requireCustomer(tx, orgId, customerId, true);
      requireNotErased(customer, ['customerId']);
      await assertIdentitiesFree(tx, orgId, [{ identity, field: 'value' }], customerId);
      await tx
        .insert(customerIdentities)
        .values({ ...identity, orgId, customerId })
        .onConflictDoUpdate({
          target: [customerIdentities.orgId, customerIdentities.channel, customerIdentities.value],
          set: { verified: sql`${customerIdentities.verified} or excluded.verified` },
        });
      return customer;
    }),
  );
}

export async function removeCustomerIdentity(db: Database, orgId: string, identityId: string): Promise<CustomerRow> {
  return db.transaction(async (tx) => {
    const [identity] = await tx
      .delete(customerIdentities)
      .where(and(eq(customerIdentities.orgId, orgId), eq(customerIdentities.id, identityId)))
      .returning();
    if (!identity) throw new NotFoundError('CustomerIdentity', identityId);
    const customer = await requireCustomer(tx, orgId, identity.customerId, true);
    // The profile's email and phone mirror identities: removing the identity clears the field.
    const mirrored = identity.channel === 'email' || identity.channel === 'phone' ? identity.channel : undefined;
    if (mirrored && customer[mirrored] === identity.value) {
      const [updated] = await tx
        .update(customers)
        .set({ [mirrored]: null, updatedAt: sql`now()` })
        .where(eq(customers.id, customer.id))
        .returning();
      return updated!;
    }
    return customer;
  });
}

export async function recordPurchase(
  db: Database,
  orgId: string,
  customerId: string,
  rawInput: unknown,
): Promise<typeof purchases.$inferSelect> {
  const input = parseInput(purchaseInput, rawInput);
  return db.transaction(async (tx) => {
    const customer = await requireCustomer(tx, orgId, customerId);
    requireNotErased(customer, ['customerId']);
    const [purchase] = await tx
      .insert(purchases)
      .values({ ...input, purchasedAt: new Date(input.purchasedAt).toISOString(), orgId, customerId })
      .returning();
    return purchase!;
  });
}

export async function customersByIds(db: Database, orgId: string, ids: string[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(customers)
    .where(and(eq(customers.orgId, orgId), inArray(customers.id, ids)));
}

export const tagSchema = shortText(50);
