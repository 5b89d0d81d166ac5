import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { isMirrored } from '../customers/customers.identities.ts';
import { requireCustomer, type CustomerRow } from '../customers/customers.rows.ts';
import { normalizeIdentity, type IdentityChannel } from '../customers/identity-values.ts';
import { customerIdentities, customers } from '../db/tables/index.ts';
import type { Transaction } from '../db/transaction.ts';
import { emit } from '../events/emit.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import type { Tenant } from '../tenant/tenant.ts';

export interface IdentityRef {
  channel: IdentityChannel;
  value: string;
}

/** How often a lookup is tried again after losing a race (a concurrent create, merge or erasure). */
const ATTEMPTS = 3;

/**
 * The customer holding this handle, locked (FOR UPDATE, so a concurrent merge or erasure is
 * waited for), or a new customer created with it. Two inbound contacts from the same new number
 * at once create one customer: the identity's unique key (org, channel, value) decides. Each
 * inserts a customer, then the identity with ON CONFLICT DO NOTHING, which waits for the other
 * transaction's uncommitted identity; the loser gets no row, deletes its own customer (nothing
 * points at it yet, no event was written) and reads the winner's, which its next statement sees.
 */
export async function customerForIdentity(tx: Transaction, tenant: Tenant, ref: IdentityRef, path: string[]): Promise<CustomerRow> {
  const normalized = normalizeIdentity(ref.channel, ref.value);
  if ('error' in normalized) throw ValidationError.single([...path, 'value'], normalized.error);
  const { value } = normalized;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const holder = await holderOf(tx, tenant.orgId, ref.channel, value);
    if (holder) {
      try {
        return await requireCustomer(tx, tenant.orgId, holder, true);
      } catch (error) {
        // Merged away between the lookup and the lock: the handle has moved to the survivor.
        if (error instanceof NotFoundError) continue;
        throw error;
      }
    }
    const created = await createWithIdentity(tx, tenant, ref.channel, value);
    if (created) return created;
  }
  throw new Error(`customerForIdentity: no stable holder for a ${ref.channel} handle after ${ATTEMPTS} attempts`);
}

/**
 * A phone number is one number whether it was linked as PHONE or SMS (as the complaint's suggested
 * customer reads it): an inbound SMS from a customer known by their PHONE handle is theirs, not a
 * new customer's. The handle's own channel wins when both exist.
 */
const sameNumber = (channel: IdentityChannel): IdentityChannel[] => (channel === 'phone' || channel === 'sms' ? ['phone', 'sms'] : [channel]);

async function holderOf(tx: Transaction, orgId: string, channel: IdentityChannel, value: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ customerId: customerIdentities.customerId })
    .from(customerIdentities)
    .where(and(eq(customerIdentities.orgId, orgId), inArray(customerIdentities.channel, sameNumber(channel)), eq(customerIdentities.value, value)))
    .orderBy(sql`${customerIdentities.channel} = ${channel} desc`, asc(customerIdentities.createdAt))
    .limit(1);
  return row?.customerId;
}

/** The profile field an email or phone handle also fills (as createCustomer does). */
const mirrored = (channel: IdentityChannel, value: string) =>
  isMirrored(channel) ? (channel === 'email' ? { email: value } : { phone: value }) : {};

/** A new customer holding the handle, or undefined when a concurrent transaction took the handle first. */
async function createWithIdentity(tx: Transaction, tenant: Tenant, channel: IdentityChannel, value: string): Promise<CustomerRow | undefined> {
  const now = tenant.clock.now().toISOString();
  const [customer] = await tx
    .insert(customers)
    .values({ orgId: tenant.orgId, ...mirrored(channel, value), createdAt: now, updatedAt: now })
    .returning();
  const [identity] = await tx
    .insert(customerIdentities)
    .values({ orgId: tenant.orgId, customerId: customer!.id, channel, value, verified: false, createdAt: now })
    .onConflictDoNothing({ target: [customerIdentities.orgId, customerIdentities.channel, customerIdentities.value] })
    .returning({ id: customerIdentities.id });
  if (!identity) {
    await tx.delete(customers).where(and(eq(customers.orgId, tenant.orgId), eq(customers.id, customer!.id)));
    return undefined;
  }
  await emit(tx, tenant, { type: 'customer.created', aggregateId: customer!.id, payload: { fields: ['identities'] } });
  await emit(tx, tenant, { type: 'customer.identity_added', aggregateId: customer!.id, payload: { identityId: identity.id, channel } });
  return customer!;
}
