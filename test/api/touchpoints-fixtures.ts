/**
 * Touchpoints through the real API (yoga.fetch) with an API key: the mutations' result unions,
 * the lists, and the customer's touchpoint fields.
 */
import { dataOf, type Caller } from '../helpers/api.ts';

export type Json = Record<string, any>;

export const TOUCHPOINT = `id channel direction stage kind status scheduledFor occurredAt recordedAt overdue durationSeconds
  summary outcome sentiment isPeak isEnd automated message messageLocale late planOccurrenceId cancelReason
  completedAt missedAt cancelledAt createdAt updatedAt
  customer { id } agent { id } team { id } complaint { id } feedback { id } purchase { id }`;

const result = (success: string) => `
  __typename
  ... on ${success} { data { ${TOUCHPOINT} } }
  ... on ValidationError { message issues { path message } }
  ... on ConflictError { field message }
  ... on NotFoundError { entity message }
  ... on TouchpointTransitionError { message action currentStatus allowedStatuses }`;

export type Page = { totalCount: number; pageInfo: Json; edges: { cursor: string; node: Json }[] };

export function touchpointsOf(caller: Caller) {
  const mutate = async (field: string, input: Json) => {
    const name = field[0]!.toUpperCase() + field.slice(1);
    const response = dataOf(
      await caller.gql(`mutation($input: ${name}Input!) { ${field}(input: $input) { ${result(`Mutation${name}Success`)} } }`, { input }),
    );
    return response[field] as Json;
  };
  return {
    log: (input: Json) => mutate('logTouchpoint', input),
    schedule: (input: Json) => mutate('scheduleTouchpoint', input),
    complete: (id: string, input: Json = {}) => mutate('completeTouchpoint', { id, ...input }),
    miss: (id: string, input: Json = {}) => mutate('missTouchpoint', { id, ...input }),
    cancel: (id: string, reason: string, input: Json = {}) => mutate('cancelTouchpoint', { id, reason, ...input }),
    reschedule: (id: string, scheduledFor: string, input: Json = {}) => mutate('rescheduleTouchpoint', { id, scheduledFor, ...input }),
    async list(args: Json = {}, fields = 'id status kind scheduledFor occurredAt recordedAt'): Promise<Page> {
      const query = `query($first: Int, $after: String, $filter: TouchpointFilter, $orderBy: TouchpointOrder) {
        touchpoints(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
          totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${fields} } } } }`;
      return dataOf(await caller.gql(query, args)).touchpoints;
    },
    async agenda(args: Json): Promise<Page> {
      const query = `query($agentId: ID!, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
        agenda(agentId: $agentId, from: $from, to: $to, first: $first, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id scheduledFor overdue status } } } }`;
      return dataOf(await caller.gql(query, args)).agenda;
    },
    async customer(id: string): Promise<Json> {
      const query = `query($id: ID!) { customer(id: $id) {
        id lastContactedAt lastInboundAt lastOutboundAt nextTouchpoint { id scheduledFor }
        touchpoints(first: 50) { totalCount edges { node { id status kind } } } } }`;
      return dataOf(await caller.gql(query, { id })).customer;
    },
  };
}

export type TouchpointsApi = ReturnType<typeof touchpointsOf>;

/** The data of a mutation that must succeed. */
export function ok(result: Json): Json {
  if (!result.__typename?.endsWith('Success')) throw new Error(`expected success: ${JSON.stringify(result)}`);
  return result.data;
}
