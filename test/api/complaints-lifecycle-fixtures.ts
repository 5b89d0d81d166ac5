/**
 * Shared helpers for complaints-lifecycle*.test.ts: the staff lifecycle mutations through the
 * real API (API key), complaints filed through the widget, rows read from the database.
 */
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { and, asc, eq } from 'drizzle-orm';
import { complaints, events } from '../../server/db/tables/index.ts';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { dataOf, type Caller, type TestApi } from '../helpers/api.ts';
import { filed, type Json } from './complaints-fixtures.ts';

export type { Json };

export const COMPLAINT_STATE = `id status
  messages { id kind authorType visibility body agent { id } }
  history { type sequence visibility actorType actorId payload actingAgent { id name } }`;

const errors = `
  ... on InvalidTransitionError { message action currentStatus allowedStatuses }
  ... on ValidationError { message issues { path message } }
  ... on NotFoundError { entity message }
  ... on ConflictError { field message }`;

const inputTypes: Record<string, string> = {
  acknowledgeComplaint: 'AcknowledgeComplaintInput',
  triageComplaint: 'TriageComplaintInput',
  assignComplaint: 'AssignComplaintInput',
  transferComplaint: 'TransferComplaintInput',
  addComplaintNote: 'AddComplaintNoteInput',
  requestCustomerInfo: 'RequestCustomerInfoInput',
  recordRecoveryAction: 'RecordRecoveryActionInput',
  resolveComplaint: 'ResolveComplaintInput',
  closeComplaint: 'CloseComplaintInput',
  reopenComplaint: 'ReopenComplaintInput',
};

export type StaffAction = keyof typeof inputTypes;

/** Runs one staff lifecycle mutation; returns its typed result (`__typename` says which). */
export async function staff(caller: Caller, field: StaffAction, input: Json): Promise<Json> {
  const name = field[0]!.toUpperCase() + field.slice(1);
  const document = `mutation($input: ${inputTypes[field]}!) { ${field}(input: $input) {
    __typename ... on Mutation${name}Success { data { ${COMPLAINT_STATE} } } ${errors} } }`;
  return dataOf(await caller.gql(document, { input }))[field] as Json;
}

/** The data of a staff mutation that must succeed. */
export async function staffOk(caller: Caller, field: StaffAction, input: Json): Promise<Json> {
  const result = await staff(caller, field, input);
  if (!String(result.__typename).endsWith('Success')) throw new Error(`${field}: ${JSON.stringify(result)}`);
  return result.data;
}

/** A complaint filed through the widget, with its stored id and global id. */
export async function filedComplaint(api: TestApi, widget: Caller, overrides: Json = {}) {
  const receipt = (await filed(widget, overrides)) as { reference: string; trackingToken: string; status: string; createdAt: string };
  const [row] = await api.db.db.select().from(complaints).where(eq(complaints.reference, receipt.reference));
  return { ...receipt, rowId: row!.id, orgId: row!.orgId, complaintId: encodeGlobalID('Complaint', row!.id) };
}

export async function storedComplaint(api: TestApi, rowId: string) {
  const [row] = await api.db.db.select().from(complaints).where(eq(complaints.id, rowId));
  return row!;
}

export async function storedEvents(api: TestApi, rowId: string) {
  return api.db.db
    .select()
    .from(events)
    .where(and(eq(events.aggregateType, 'complaint'), eq(events.aggregateId, rowId)))
    .orderBy(asc(events.sequence));
}

/** Puts a complaint in a status directly (the table-driven transition test starts from each). */
export async function forceStatus(api: TestApi, rowId: string, status: (typeof complaints.$inferSelect)['status']) {
  await api.db.db.update(complaints).set({ status }).where(eq(complaints.id, rowId));
}

export const REPLY_TO_COMPLAINT = persistedOperation('ReplyToComplaint').document;
export const CONFIRM_COMPLAINT_RESOLUTION = persistedOperation('ConfirmComplaintResolution').document;

/** The tracker's reply, as the widget sends it (persisted operation). */
export async function replyTo(widget: Caller, input: Json): Promise<Json> {
  return dataOf(await widget.gql(REPLY_TO_COMPLAINT, { input: { idempotencyKey: randomUUID(), ...input } })).replyToComplaint as Json;
}

/** The tracker's two questions after RESOLVED, as the widget sends them. */
export async function confirmResolution(widget: Caller, input: Json): Promise<Json> {
  return dataOf(await widget.gql(CONFIRM_COMPLAINT_RESOLUTION, { input: { idempotencyKey: randomUUID(), ...input } }))
    .confirmComplaintResolution as Json;
}
