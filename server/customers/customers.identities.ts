import { and, eq, sql } from 'drizzle-orm';
import type { Tenant } from '../tenant/tenant.ts';
import { customerIdentities, customers } from '../db/tables/index.ts';
import type { Executor } from '../db/transaction.ts';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { parseInput } from '../shared/validate.ts';
import { emit } from '../events/emit.ts';
import { identityInput, type IdentityInput } from './customers.input.ts';
import { requireCustomer, requireNotErased, type CustomerRow } from './customers.rows.ts';
import { normalizeIdentity, type IdentityChannel } from './identity-values.ts';

/** The profile fields that mirror an identity channel of the same name. */
export type MirroredChannel = 'email' | 'phone';

export const isMirrored = (channel: IdentityChannel): channel is MirroredChannel =>
  channel === 'email' || channel === 'phone';

export async function findCustomerIdByIdentity(
  { db, orgId }: Tenant,
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

/**
 * Links a handle to the customer, or marks it verified if the customer already holds it. The
 * upsert only touches a row of this customer, so a handle held by anyone else, even one a
 * concurrent request committed a moment ago, returns no row and is refused as a conflict on
 * `field` (the input field that carried it).
 */
export async function claimIdentity(
  tx: Executor,
  tenant: Tenant,
  customerId: string,
  identity: IdentityInput,
  field: string,
): Promise<string> {
  const [row] = await tx
    .insert(customerIdentities)
    .values({ ...identity, orgId: tenant.orgId, customerId, createdAt: tenant.clock.now().toISOString() })
    .onConflictDoUpdate({
      target: [customerIdentities.orgId, customerIdentities.channel, customerIdentities.value],
      set: { verified: sql`${customerIdentities.verified} or excluded.verified` },
      setWhere: eq(customerIdentities.customerId, customerId),
    })
    .returning({ id: customerIdentities.id });
  if (!row) throw new ConflictError(`${identity.channel} ${identity.value} already belongs to another customer`, field);
  return row.id;
}

/** Keeps the email or phone identity in step with the profile field it mirrors. */
export async function syncProfileIdentity(
  tx: Executor,
  tenant: Tenant,
  customer: CustomerRow,
  channel: MirroredChannel,
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
  if (next) await claimIdentity(tx, tenant, customer.id, { channel, value: next, verified: false }, channel);
}

export async function addCustomerIdentity(
  tenant: Tenant,
  customerId: string,
  rawInput: unknown,
): Promise<CustomerRow> {
  const identity = parseInput(identityInput, rawInput);
  const { db, orgId } = tenant;
  return db.transaction(async (tx) => {
    const customer = await requireCustomer(tx, orgId, customerId, true);
    requireNotErased(customer, ['input', 'customerId']);
    const identityId = await claimIdentity(tx, tenant, customerId, identity, 'value');
    await emit(tx, tenant, {
      type: 'customer.identity_added',
      aggregateId: customerId,
      payload: { identityId, channel: identity.channel },
    });
    // The first email (phone) handle of a customer without one becomes the profile's email (phone),
    // the mirror image of removeCustomerIdentity clearing it.
    const channel = identity.channel;
    if (!isMirrored(channel) || customer[channel]) return customer;
    const [updated] = await tx
      .update(customers)
      .set({ [channel]: identity.value, updatedAt: tenant.clock.now().toISOString() })
      .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)))
      .returning();
    return updated!;
  });
}

export async function removeCustomerIdentity(tenant: Tenant, identityId: string): Promise<CustomerRow> {
  const { db, orgId } = tenant;
  return db.transaction(async (tx) => {
    const [identity] = await tx
      .delete(customerIdentities)
      .where(and(eq(customerIdentities.orgId, orgId), eq(customerIdentities.id, identityId)))
      .returning();
    if (!identity) throw new NotFoundError('CustomerIdentity', identityId);
    const customer = await requireCustomer(tx, orgId, identity.customerId, true);
    await emit(tx, tenant, {
      type: 'customer.identity_removed',
      aggregateId: customer.id,
      payload: { identityId: identity.id, channel: identity.channel },
    });
    // The profile's email and phone mirror identities: removing the identity clears the field.
    const channel = identity.channel;
    if (!isMirrored(channel) || customer[channel] !== identity.value) return customer;
    const [updated] = await tx
      .update(customers)
      .set({ [channel]: null, updatedAt: tenant.clock.now().toISOString() })
      .where(and(eq(customers.orgId, orgId), eq(customers.id, customer.id)))
      .returning();
    return updated!;
  });
}
