import { sql } from 'drizzle-orm';
import type { Executor } from '../db/transaction.ts';
import type { Tenant } from '../tenant/tenant.ts';
import { catalogue, type EventPayload, type EventType } from './catalogue.ts';

export interface DomainEvent<T extends EventType> {
  type: T;
  aggregateId: string;
  payload: EventPayload<T>;
  /** The agent a staff mutation named (`actorAgentId`), already checked to be of the tenant's org; the actor stays the API key. */
  actingAgentId?: string | null;
}

/**
 * Records one event in the caller's transaction (pass the transaction, not the database):
 * nothing is recorded for a change that does not commit, and a rolled-back writer gives its
 * sequence number back. One statement: the aggregate's counter is upserted and the event takes
 * the number it returns. A new aggregate starts at 1 (or after the event a hot path wrote in
 * its own statement without a counter row, hence the max()). Concurrent writers on one
 * aggregate queue on the counter's row lock, so numbers have no gaps and no duplicates.
 */
export async function emit<T extends EventType>(tx: Executor, tenant: Tenant, event: DomainEvent<T>): Promise<void> {
  const { aggregate, visibility } = catalogue[event.type];
  const { orgId, actor } = tenant;
  await tx.execute(sql`
    with next as (
      insert into event_sequences (org_id, aggregate_type, aggregate_id, last_sequence)
      values (${orgId}, ${aggregate}, ${event.aggregateId}, 1 + coalesce((
        select max(e.sequence) from events e
        where e.org_id = ${orgId} and e.aggregate_type = ${aggregate} and e.aggregate_id = ${event.aggregateId}), 0))
      on conflict (org_id, aggregate_type, aggregate_id)
        do update set last_sequence = event_sequences.last_sequence + 1
      returning last_sequence
    )
    insert into events (org_id, type, aggregate_type, aggregate_id, sequence, occurred_at, actor_type, actor_id, acting_agent_id, payload, visibility)
    select ${orgId}, ${event.type}, ${aggregate}, ${event.aggregateId}, next.last_sequence,
      ${tenant.clock.now().toISOString()}::timestamptz, ${actor.type}, ${actor.id}, ${event.actingAgentId ?? null}::uuid,
      ${JSON.stringify(event.payload)}::jsonb, ${visibility}::event_visibility
    from next
  `);
}

/** The input fields a change named, sorted: what an `updated` event records instead of values. */
export function changedFields(input: object): string[] {
  return Object.entries(input)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key)
    .sort();
}
