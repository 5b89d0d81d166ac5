import { sql, type SQL } from 'drizzle-orm';
import { catalogue, type EventType } from './catalogue.ts';

/** The columns of a row that a data-modifying CTE returned, as SQL over its alias. */
export interface FirstEventColumns {
  /** The CTE (or table) the row comes from, with its alias, e.g. sql`inserted i`. */
  from: SQL;
  orgId: SQL;
  aggregateId: SQL;
  occurredAt: SQL;
  actorType: 'site' | 'api_key' | 'system';
  actorId: SQL;
  /** A jsonb expression; ids, enum values and numbers only, like every payload. */
  payload: SQL;
}

/**
 * The SELECT that records the first event of a row a CTE has just inserted, for the prepared
 * hot paths that write a row and its event in one statement: one round trip, and the event
 * commits with the row without a transaction; a replay inserts no row and so records nothing.
 * A new aggregate's history starts at sequence 1 without a counter row: emit() continues after
 * max(sequence). The type, aggregate and visibility come from the catalogue as literals, so the
 * statement has no placeholder for them and stays one plan.
 */
export function firstEventFrom(type: EventType, columns: FirstEventColumns): SQL {
  const { aggregate, visibility } = catalogue[type];
  const literal = (value: string) => sql.raw(`'${value.replaceAll("'", "''")}'`);
  // Positional: the columns of `events` in their declared order (acting_agent_id null: a widget acts for no agent).
  return sql`select gen_random_uuid(), ${columns.orgId}, ${literal(type)}, ${literal(aggregate)}, ${columns.aggregateId}, 1,
      ${columns.occurredAt}, ${literal(columns.actorType)}, ${columns.actorId}, null, ${columns.payload},
      ${literal(visibility)}::event_visibility
    from ${columns.from}`;
}

/**
 * The first event of a widget submission (survey response, resolution check, complaint) that a
 * CTE named `inserted` has just written: the site is the actor, the row's created_at the time.
 * `payload` is a jsonb expression over the row (`i`).
 */
export function submissionEventFrom(type: EventType, payload: SQL): SQL {
  return firstEventFrom(type, {
    from: sql`inserted i`,
    orgId: sql`i.org_id`,
    aggregateId: sql`i.id`,
    occurredAt: sql`i.created_at`,
    actorType: 'site',
    actorId: sql`i.site_id::text`,
    payload,
  });
}
