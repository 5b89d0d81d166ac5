import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { complaints } from '../../server/db/tables/index.ts';
import { test as it } from '../helpers/fixtures.ts';
import { appendComplaintEvent, complaintStatus, filed, storedComplaints } from './complaints-fixtures.ts';

let receipt: Record<string, string>;

it.beforeAll(async ({ widget }) => {
  receipt = await filed(widget, { category: 'BILLING', contact: { email: 'payer@example.com' } });
});

const NOT_FOUND = { __typename: 'NotFoundError', message: 'Complaint was not found' };

describe('complaintStatus', () => {
  it('shows the customer-visible fields and the public timeline with the right token', async ({ widget }) => {
    const result = await complaintStatus(widget, receipt.reference!, receipt.trackingToken!);
    expect(result.__typename).toBe('QueryComplaintStatusSuccess');
    expect(result.data).toMatchObject({ reference: receipt.reference, status: 'NEW', category: 'BILLING' });
    expect(result.data.createdAt).toBe(receipt.createdAt);
    expect(result.data.timeline).toEqual([{ type: 'complaint.filed', at: receipt.createdAt, status: 'NEW', message: null }]);
    // Nothing private: the view has no description or contact to leak.
    expect(JSON.stringify(result)).not.toContain('payer@example.com');
  });

  it('lists only public events, in sequence, with the status each one records', async ({ api, widget }) => {
    const [row] = (await storedComplaints(api, api.orgA.id)).filter((c) => c.reference === receipt.reference);
    // The lifecycle issue writes these; simulated here to check what the customer sees.
    for (const event of [
      { type: 'complaint.assigned', visibility: 'internal', payload: { to: 'agent-7' }, occurredAt: '2099-01-01T10:00:00Z' },
      { type: 'complaint.status_changed', visibility: 'public', payload: { status: 'in_progress' }, occurredAt: '2099-01-01T11:00:00Z' },
      { type: 'complaint.note', visibility: 'public', payload: { status: 'bogus' }, occurredAt: '2099-01-01T12:00:00Z' },
    ] as const) {
      await appendComplaintEvent(api.db.db, row!, event);
    }
    await api.db.db.update(complaints).set({ status: 'in_progress' }).where(eq(complaints.id, row!.id));
    const result = await complaintStatus(widget, receipt.reference!, receipt.trackingToken!);
    expect(result.data.status).toBe('IN_PROGRESS');
    expect(result.data.timeline).toEqual([
      { type: 'complaint.filed', at: receipt.createdAt, status: 'NEW', message: null },
      { type: 'complaint.status_changed', at: '2099-01-01T11:00:00.000Z', status: 'IN_PROGRESS', message: null },
      { type: 'complaint.note', at: '2099-01-01T12:00:00.000Z', status: null, message: null },
    ]);
  });

  it('accepts the reference in any case, with or without dashes and prefix', async ({ widget }) => {
    const body = receipt.reference!.slice(2).replace('-', '');
    for (const typed of [receipt.reference!.toLowerCase(), `C${body}`, body, ` ${body.slice(0, 4)} ${body.slice(4)} `]) {
      const result = await complaintStatus(widget, typed, receipt.trackingToken!);
      expect(result.__typename, typed).toBe('QueryComplaintStatusSuccess');
      expect(result.data.reference).toBe(receipt.reference);
    }
  });

  it('answers a wrong token exactly as an unknown reference', async ({ widget }) => {
    const token = receipt.trackingToken!;
    const wrongToken = await complaintStatus(widget, receipt.reference!, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
    const emptyToken = await complaintStatus(widget, receipt.reference!, '');
    const unknown = await complaintStatus(widget, 'C-2222-2222', token);
    const malformed = await complaintStatus(widget, 'not a reference', token);
    for (const result of [wrongToken, emptyToken, unknown, malformed]) expect(result).toEqual(NOT_FOUND);
  });

  it('does not find another organization\'s complaint with that organization\'s site key', async ({ api }) => {
    const siteB = await api.createSite({ as: api.asB, allowedOrigins: ['https://b.example'] });
    const widgetB = api.withSite(siteB.publishableKey, siteB.origin);
    expect(await complaintStatus(widgetB, receipt.reference!, receipt.trackingToken!)).toEqual(NOT_FOUND);
  });

  it('finds it from another site of the same organization', async ({ api }) => {
    const other = await api.createSite({ allowedOrigins: ['https://help.example.com'] });
    const result = await complaintStatus(api.withSite(other.publishableKey, other.origin), receipt.reference!, receipt.trackingToken!);
    expect(result.__typename).toBe('QueryComplaintStatusSuccess');
  });

  it('refuses absurdly long arguments as invalid', async ({ widget }) => {
    const result = await complaintStatus(widget, receipt.reference!, 'x'.repeat(1000));
    expect(result.__typename).toBe('ValidationError');
    expect(result.issues[0].path).toEqual(['trackingToken']);
  });

  it('is a widget operation: an API key may not call it', async ({ api }) => {
    const result = await api.asA.gql('query { complaintStatus(reference: "C-2222-2222", trackingToken: "x") { __typename } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
