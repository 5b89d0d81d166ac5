/**
 * Helpers of the complaints-sla*.test.ts files: file a complaint through the widget, read its
 * clocks through the API, drive SLA triggers and run the watcher with the file's TestClock.
 */
import { encodeGlobalID } from '@pothos/plugin-relay';
import { and, asc, eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { applySlaTrigger, type SlaTrigger } from '../../server/complaints/sla/triggers.ts';
import { slaWatch } from '../../server/complaints/sla/sla-watch.job.ts';
import { complaints, events, slaClocks } from '../../server/db/tables/index.ts';
import { dataOf, type Caller, type TestApi, type TestSite } from '../helpers/api.ts';
import { filed, type Json } from './complaints-fixtures.ts';
import { silent } from './jobs-fixtures.ts';

export const HOUR = 3600;
export const SLA_FIELDS = `metric status startedAt runningSince dueAt pausedAt usedBusinessSeconds targetBusinessSeconds fulfilledAt breachedAt`;

export type ComplaintRow = typeof complaints.$inferSelect;

/** Files a complaint through the widget at the clock's time; returns its row. */
export async function fileAt(api: TestApi, widget: Caller, overrides: Json = {}): Promise<ComplaintRow> {
  const receipt = await filed(widget, overrides);
  const [row] = await api.db.db.select().from(complaints).where(eq(complaints.reference, receipt.reference));
  return row!;
}

export const complaintGid = (id: string) => encodeGlobalID('Complaint', id);

/** The complaint's clocks and next due time, as staff read them (API key). */
export async function slaOf(caller: Caller, complaintId: string): Promise<{ sla: Json[]; nextDueAt: string | null }> {
  const data = dataOf(
    await caller.gql(`query($id: ID!) { node(id: $id) { ... on Complaint { sla { ${SLA_FIELDS} } nextDueAt } } }`, {
      id: complaintGid(complaintId),
    }),
  );
  return data.node;
}

export const clockOf = (sla: Json[], metric: string): Json => sla.filter((c) => c.metric === metric).at(-1)!;

/**
 * What a lifecycle change does to the clocks, until the lifecycle's mutations drive it: the
 * complaint's status and severity as the change leaves them, then the trigger, in one transaction.
 */
export async function trigger(
  api: TestApi,
  complaint: Pick<ComplaintRow, 'id' | 'orgId'>,
  what: SlaTrigger,
  change: Partial<Pick<ComplaintRow, 'status' | 'severity'>> = {},
): Promise<void> {
  await api.db.db.transaction(async (tx) => {
    if (Object.keys(change).length) {
      await tx
        .update(complaints)
        .set({ ...change, updatedAt: api.clock.now().toISOString() })
        .where(and(eq(complaints.orgId, complaint.orgId), eq(complaints.id, complaint.id)));
    }
    await applySlaTrigger(tx, api.tenant(complaint.orgId), complaint.id, what);
  });
}

/** One run of the SLA watcher at the clock's time. */
export function watch(api: TestApi): Promise<void> {
  return slaWatch.handle(
    {},
    {
      db: api.db.db,
      clock: api.clock,
      logger: silent,
      job: { id: 'test', kind: slaWatch.kind, orgId: null, attempt: 1, maxAttempts: 3 },
      signal: new AbortController().signal,
    },
  );
}

/** The complaint's events of the given types, in sequence. */
export async function eventsOf(api: TestApi, complaintId: string, ...types: string[]) {
  const rows = await api.db.db
    .select()
    .from(events)
    .where(and(eq(events.aggregateType, 'complaint'), eq(events.aggregateId, complaintId)))
    .orderBy(asc(events.sequence));
  return types.length ? rows.filter((e) => types.includes(e.type)) : rows;
}

export async function storedClocks(api: TestApi, complaintId: string) {
  return api.db.db.select().from(slaClocks).where(eq(slaClocks.complaintId, complaintId)).orderBy(asc(slaClocks.startedAt));
}

export const UPDATE_SETTINGS = `mutation($input: UpdateComplaintSettingsInput!) {
  updateComplaintSettings(input: $input) {
    __typename
    ... on MutationUpdateComplaintSettingsSuccess { data { timeZone alwaysOpen openHours { weekday start end } holidays
      targets { critical { firstResponseSeconds nextReplySeconds resolutionSeconds } medium { firstResponseSeconds nextReplySeconds resolutionSeconds } }
      tierMultipliers { a b c } followUpDays } }
    ... on ValidationError { message issues { path message } }
  }
}`;

export async function updateSettings(caller: Caller, input: Json): Promise<Json> {
  return dataOf(await caller.gql(UPDATE_SETTINGS, { input })).updateComplaintSettings;
}

/** Mon–Fri 09:00–17:00 in the given zone. */
export const officeHours = (...days: string[]) =>
  (days.length ? days : ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY']).map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));

/** A widget of a new organization's own site (settings are per organization). */
export async function widgetOfOrg(api: TestApi, org: { as: Caller }): Promise<{ site: TestSite; widget: Caller }> {
  const site = await api.createSite({ as: org.as });
  return { site, widget: api.withSite(site.publishableKey, site.origin) };
}

/** A customer token for `sub`, valid at the clock's time. */
export function tokenAt(api: TestApi, site: TestSite, sub: string): Promise<string> {
  const now = Math.floor(api.clock.now().getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(site.identitySecret));
}
