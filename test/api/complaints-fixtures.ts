/**
 * Shared documents and helpers for the complaints-*.test.ts files: every call goes through the
 * real API (yoga.fetch) with a site's publishable key or an API key.
 */
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { eq, sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import type { Database } from '../../server/db/client.ts';
import { complaints, events } from '../../server/db/tables/index.ts';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { dataOf, type Caller, type TestApi } from '../helpers/api.ts';

export type Json = Record<string, any>;

/**
 * The widget's own operations from widgets/persisted-operations.json: a site key may run
 * nothing else, so the tests send exactly what <careloop-complaint-form> sends.
 */
export const FILE_COMPLAINT = persistedOperation('FileComplaint').document;
export const COMPLAINT_STATUS = persistedOperation('ComplaintStatus').document;

export const COMPLAINT_FIELDS = `id reference status category description desiredOutcome locale createdAt updatedAt
  contact { name email phone } context { pageUrl subject agentId touchpointId complaintReference }
  customer { id externalId } history { type sequence visibility actorType actorId payload occurredAt }`;

/** A valid input a person could have sent; override what the test is about. */
export function complaintInput(overrides: Json = {}): Json {
  return {
    category: 'DELIVERY',
    description: 'The parcel arrived two weeks late and the box was crushed.',
    idempotencyKey: randomUUID(),
    elapsedMs: 45_000,
    ...overrides,
  };
}

export async function fileComplaint(widget: Caller, input: Json): Promise<Json> {
  return dataOf(await widget.gql(FILE_COMPLAINT, { input })).fileComplaint;
}

export async function complaintStatus(widget: Caller, reference: string, token: string): Promise<Json> {
  return dataOf(await widget.gql(COMPLAINT_STATUS, { reference, trackingToken: token })).complaintStatus;
}

/** Files a complaint that must succeed; returns its receipt. */
export async function filed(widget: Caller, overrides: Json = {}): Promise<Json> {
  const result = await fileComplaint(widget, complaintInput(overrides));
  if (result.__typename !== 'MutationFileComplaintSuccess') throw new Error(JSON.stringify(result));
  return result.data;
}

/** The stored rows of an organization, read from the database (not through the API). */
export async function storedComplaints(api: TestApi, orgId: string) {
  return api.db.db.select().from(complaints).where(eq(complaints.orgId, orgId));
}

export async function storedCounts(api: TestApi): Promise<{ complaints: number; events: number }> {
  const [c] = await api.db.db.select({ n: sql<number>`count(*)::int` }).from(complaints);
  const [e] = await api.db.db
    .select({ n: sql<number>`count(*)::int` })
    .from(events)
    .where(eq(events.aggregateType, 'complaint'));
  return { complaints: c!.n, events: e!.n };
}

/**
 * Appends an event to a complaint's history as the lifecycle will (its types are not in the
 * catalogue yet), at the next sequence number, to check what the customer's timeline shows.
 */
export async function appendComplaintEvent(
  db: Database,
  complaint: { id: string; orgId: string },
  event: { type: string; visibility: 'public' | 'internal'; payload?: Record<string, unknown>; occurredAt: string },
) {
  await db.insert(events).values({
    orgId: complaint.orgId,
    type: event.type,
    aggregateType: 'complaint',
    aggregateId: complaint.id,
    sequence: sql`(select coalesce(max(sequence), 0) + 1 from events where org_id = ${complaint.orgId} and aggregate_type = 'complaint' and aggregate_id = ${complaint.id})`,
    occurredAt: event.occurredAt,
    actorType: 'system',
    actorId: 'test',
    payload: event.payload ?? {},
    visibility: event.visibility,
  });
}

/** What the company's backend does: a customer token signed with the site's identity secret. */
export function customerToken(identitySecret: string, externalId: string, claims: Json = {}, expiresIn = '1h'): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(externalId)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(identitySecret));
}

/** The Relay global id of a stored complaint, as the private API spells it. */
export const complaintGlobalId = (id: string): string => encodeGlobalID('Complaint', id);
