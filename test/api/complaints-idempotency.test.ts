import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { complaints, customers } from '../../server/db/tables/index.ts';
import { dataOf, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import {
  complaintInput,
  complaintStatus,
  customerToken,
  fileComplaint,
  storedComplaints,
  storedCounts,
} from './complaints-fixtures.ts';

// The file's API, site and widget (test/helpers/fixtures.ts), made before the first test as before.
it.beforeAll(({ widget: _ }) => {});

const byKey = async (api: TestApi, key: string) => api.db.db.select().from(complaints).where(eq(complaints.idempotencyKey, key));

describe('idempotency', () => {
  it('replays the same filing: same reference and a token that works', async ({ api, widget }) => {
    const input = complaintInput({ contact: { email: 'a@example.com' } });
    const first = await fileComplaint(widget, input);
    // A retry after a reload measures the time again; it is still the same filing.
    const again = await fileComplaint(widget, { ...input, elapsedMs: 99_000 });
    expect(again).toEqual(first);
    expect(await byKey(api, input.idempotencyKey)).toHaveLength(1);
    const status = await complaintStatus(widget, again.data.reference, again.data.trackingToken);
    expect(status.__typename).toBe('QueryComplaintStatusSuccess');
  });

  it('refuses the same key with a different payload as a conflict', async ({ api, widget }) => {
    const input = complaintInput();
    const first = await fileComplaint(widget, input);
    const before = await storedCounts(api);
    const other = await fileComplaint(widget, { ...input, description: 'Something else entirely went wrong.' });
    expect(other).toMatchObject({ __typename: 'ConflictError', field: 'idempotencyKey' });
    expect(JSON.stringify(other)).not.toContain(first.data.trackingToken);
    expect(await storedCounts(api)).toEqual(before);
  });

  it('treats the key per site: another site may use the same key', async ({ api, widget }) => {
    const other = await api.createSite({ allowedOrigins: ['https://other.example.com'] });
    const input = complaintInput();
    const first = await fileComplaint(widget, input);
    const second = await fileComplaint(api.withSite(other.publishableKey, other.origin), input);
    expect(second.__typename).toBe('MutationFileComplaintSuccess');
    expect(second.data.reference).not.toBe(first.data.reference);
  });

  it('stores one row for ten concurrent identical filings, and all get the same answer', async ({ api, widget }) => {
    const input = complaintInput();
    const results = await Promise.all(Array.from({ length: 10 }, () => fileComplaint(widget, input)));
    for (const result of results) expect(result).toEqual(results[0]);
    expect(results[0]!.__typename).toBe('MutationFileComplaintSuccess');
    const rows = await byKey(api, input.idempotencyKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.reference).toBe(results[0]!.data.reference);
  });

  it('explains, rather than hand out a dead token, when the site keys were rotated before the retry', async ({ api, widget }) => {
    const rotating = await api.createSite({ allowedOrigins: ['https://rotating.example.com'] });
    const input = complaintInput();
    const first = await fileComplaint(api.withSite(rotating.publishableKey, rotating.origin), input);
    const rotated = dataOf(
      await api.asA.gql(`mutation($id: ID!) { rotateSiteKeys(input: { id: $id }) { ... on MutationRotateSiteKeysSuccess { data { site { publishableKey } } } } }`, {
        id: rotating.id,
      }),
    ).rotateSiteKeys.data.site.publishableKey;
    const retry = await fileComplaint(api.withSite(rotated, rotating.origin), input);
    expect(retry).toMatchObject({ __typename: 'ConflictError', field: 'idempotencyKey' });
    expect(retry.message).toContain(first.data.reference);
    // The token shown at filing still works.
    expect((await complaintStatus(widget, first.data.reference, first.data.trackingToken)).__typename).toBe('QueryComplaintStatusSuccess');
  });
});

describe('customer tokens', () => {
  it('links the complaint to the customer named by a valid token, creating a stub if unknown', async ({ api, site, widget }) => {
    const token = await customerToken(site.identitySecret, 'ext-complainer-1', { name: 'Ann' });
    const result = await fileComplaint(widget, complaintInput({ customerToken: token }));
    expect(result.__typename).toBe('MutationFileComplaintSuccess');
    const [customer] = await api.db.db.select().from(customers).where(eq(customers.externalId, 'ext-complainer-1'));
    expect(customer).toMatchObject({ orgId: api.orgA.id, name: 'Ann' });
    const row = (await storedComplaints(api, api.orgA.id)).find((c) => c.reference === result.data.reference)!;
    expect(row.customerId).toBe(customer!.id);
  });

  it('treats a retry with a freshly signed token for the same customer as the same filing', async ({ site, widget }) => {
    const input = complaintInput({ customerToken: await customerToken(site.identitySecret, 'ext-retry', {}, '1h') });
    const first = await fileComplaint(widget, input);
    const again = await fileComplaint(widget, { ...input, customerToken: await customerToken(site.identitySecret, 'ext-retry', {}, '2h') });
    expect(again).toEqual(first);
    const other = await fileComplaint(widget, { ...input, customerToken: await customerToken(site.identitySecret, 'ext-someone-else') });
    expect(other.__typename).toBe('ConflictError');
  });

  it('stores one complaint and one customer for ten concurrent filings with a token for an unknown customer', async ({ api, site, widget }) => {
    const input = complaintInput({ customerToken: await customerToken(site.identitySecret, 'ext-concurrent') });
    const results = await Promise.all(Array.from({ length: 10 }, () => fileComplaint(widget, input)));
    for (const result of results) expect(result).toEqual(results[0]);
    expect(results[0]!.__typename).toBe('MutationFileComplaintSuccess');
    expect(await byKey(api, input.idempotencyKey)).toHaveLength(1);
    expect(await api.db.db.select().from(customers).where(eq(customers.externalId, 'ext-concurrent'))).toHaveLength(1);
  });

  it('refuses a forged, expired or malformed token and stores nothing (not even a customer)', async ({ api, site, widget }) => {
    const cases = {
      forged: await customerToken('not-the-identity-secret-of-this-site', 'ext-forged'),
      expired: await customerToken(site.identitySecret, 'ext-expired', {}, '-10m'),
      malformed: 'not.a.jwt',
    };
    for (const [name, token] of Object.entries(cases)) {
      const complaintsBefore = await storedCounts(api);
      const customersBefore = (await api.db.db.select().from(customers)).length;
      const result = await fileComplaint(widget, complaintInput({ customerToken: token }));
      expect(result.__typename, name).toBe('ValidationError');
      expect(result.issues[0].path, name).toEqual(['input', 'customerToken']);
      expect(await storedCounts(api), name).toEqual(complaintsBefore);
      expect((await api.db.db.select().from(customers)).length, name).toBe(customersBefore);
    }
  });

  it("links a token of another organization's site to that organization's customer, never to ours", async ({ api, site, widget }) => {
    await fileComplaint(widget, complaintInput({ customerToken: await customerToken(site.identitySecret, 'ext-both-orgs') }));
    const siteB = await api.createSite({ as: api.asB, allowedOrigins: ['https://b.example'] });
    const widgetB = api.withSite(siteB.publishableKey, siteB.origin);
    const result = await fileComplaint(widgetB, complaintInput({ customerToken: await customerToken(siteB.identitySecret, 'ext-both-orgs') }));
    expect(result.__typename).toBe('MutationFileComplaintSuccess');
    const rows = await api.db.db.select().from(customers).where(eq(customers.externalId, 'ext-both-orgs'));
    expect(rows.map((c) => c.orgId).sort()).toEqual([api.orgA.id, api.orgB.id].sort());
    const [bComplaint] = await api.db.db.select().from(complaints).where(eq(complaints.reference, result.data.reference));
    expect(bComplaint).toMatchObject({ orgId: api.orgB.id, customerId: rows.find((c) => c.orgId === api.orgB.id)!.id });
  });

  it('does not accept a token signed for another site', async ({ api, widget }) => {
    const siteB = await api.createSite({ as: api.asB, allowedOrigins: ['https://b.example'] });
    const token = await customerToken(siteB.identitySecret, 'ext-b');
    const result = await fileComplaint(widget, complaintInput({ customerToken: token, idempotencyKey: randomUUID() }));
    expect(result.__typename).toBe('ValidationError');
  });
});
