import { and, eq } from 'drizzle-orm';
import { customers } from '../db/tables/index.ts';
import { emit } from '../events/emit.ts';
import type { Tenant } from '../tenant/tenant.ts';
import { parseInput } from '../shared/validate.ts';
import { contactPreferencesInput } from './customers.input.ts';
import { requireCustomer, requireNotErased, type CustomerRow } from './customers.rows.ts';

type Preferences = Pick<CustomerRow, 'contactChannels' | 'careOptedOutAt'>;

/** A stored list of channels: null for any (an empty list means the same and is stored as null). */
const channelsOrAny = (channels: string[] | null | undefined) => (channels?.length ? channels : null);

const sameChannels = (a: string[] | null, b: string[] | null) =>
  a === b || (a !== null && b !== null && a.length === b.length && a.every((channel) => b.includes(channel)));

/**
 * Sets what care may do with a customer: the channels it may use and whether they opted out of
 * care messages. Its own mutation rather than fields of updateCustomer: consent is an act of its
 * own, with its own events, and a profile form that sends back every field must not opt anyone
 * back in. Each change emits one event; asking for what already holds changes nothing (an
 * opt-out keeps the time it was first given).
 */
export async function updateContactPreferences(tenant: Tenant, customerId: string, rawInput: unknown): Promise<CustomerRow> {
  const input = parseInput(contactPreferencesInput, rawInput);
  const { db, orgId } = tenant;
  return db.transaction(async (tx) => {
    const customer = await requireCustomer(tx, orgId, customerId, true);
    requireNotErased(customer, ['input', 'customerId']);
    const now = tenant.clock.now().toISOString();
    const change: Partial<Preferences> = {};
    const channels = channelsOrAny(input.channels);
    const channelsChanged = input.channels !== undefined && !sameChannels(channels, channelsOrAny(customer.contactChannels));
    if (channelsChanged) change.contactChannels = channels;
    const optedOut = customer.careOptedOutAt !== null;
    const optChanged = typeof input.optedOutOfCare === 'boolean' && input.optedOutOfCare !== optedOut;
    if (optChanged) change.careOptedOutAt = input.optedOutOfCare ? now : null;
    if (!channelsChanged && !optChanged) return customer;

    const [updated] = await tx
      .update(customers)
      .set({ ...change, updatedAt: now })
      .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)))
      .returning();
    if (optChanged) {
      await emit(tx, tenant, { type: input.optedOutOfCare ? 'customer.care_opted_out' : 'customer.care_opted_in', aggregateId: customerId, payload: {} });
    }
    if (channelsChanged) {
      await emit(tx, tenant, { type: 'customer.contact_channels_changed', aggregateId: customerId, payload: { channels } });
    }
    return updated!;
  });
}

/**
 * What a merged customer may be contacted on: the stricter of the two. Opted out wins (keeping
 * the earlier opt-out, when the person first said so). Channels: a list where one side has one;
 * the intersection where both do; and where the two lists share nothing, the target's, because
 * an empty list means "any channel", the least strict answer there is.
 */
export function mergedContactPreferences(source: Preferences, target: Preferences): Preferences {
  const outs = [source.careOptedOutAt, target.careOptedOutAt].filter((at): at is string => at !== null);
  const careOptedOutAt = outs.length ? outs.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b)) : null;
  const [s, t] = [channelsOrAny(source.contactChannels), channelsOrAny(target.contactChannels)];
  let contactChannels = t ?? s;
  if (s && t) {
    const both = t.filter((channel) => s.includes(channel));
    contactChannels = both.length ? both : t;
  }
  return { careOptedOutAt, contactChannels };
}
