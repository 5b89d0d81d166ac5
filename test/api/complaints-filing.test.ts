import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, vi } from 'vitest';
import { REFERENCE_ALPHABET } from '../../server/complaints/complaint-codes.ts';
import { referenceSource } from '../../server/complaints/complaints.service.ts';
import { events } from '../../server/db/tables/index.ts';
import type { Caller, TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import {
  FILE_COMPLAINT,
  complaintInput,
  complaintStatus,
  fileComplaint,
  filed,
  storedComplaints,
  storedCounts,
  type Json,
} from './complaints-fixtures.ts';

// The file's API, site and widget (test/helpers/fixtures.ts), made before the first test as before.
it.beforeAll(({ widget: _ }) => {});

/** 16 characters of Crockford's base32 (no I, L, O, U) in groups of four. */
const TRACKING_CODE = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;
afterEach(() => vi.restoreAllMocks());

const REFERENCE = new RegExp(`^C-[${REFERENCE_ALPHABET}]{4}-[${REFERENCE_ALPHABET}]{4}$`);

describe('fileComplaint', () => {
  it('stores the complaint with status new and its public "filed" event', async ({ api, site, widget }) => {
    const receipt = await filed(widget, {
      category: 'DEFECT',
      description: '  The kettle stopped heating after a week.  ',
      desiredOutcome: 'A replacement, please.',
      contact: { name: ' Li Wei ', email: ' Li.Wei@Example.COM ', phone: '+86 138-0013-8000' },
      context: { pageUrl: 'https://shop.example.com/orders/42', subject: 'order 42' },
      locale: 'zh-CN',
    });
    expect(receipt.status).toBe('NEW');
    expect(receipt.reference).toMatch(REFERENCE);
    expect(Date.parse(receipt.createdAt)).not.toBeNaN();

    const row = (await storedComplaints(api, api.orgA.id)).find((c) => c.reference === receipt.reference)!;
    expect(row).toMatchObject({
      siteId: site.rowId,
      status: 'new',
      category: 'defect',
      description: 'The kettle stopped heating after a week.',
      desiredOutcome: 'A replacement, please.',
      contact: { name: 'Li Wei', email: 'li.wei@example.com', phone: '+8613800138000' },
      context: { pageUrl: 'https://shop.example.com/orders/42', subject: 'order 42' },
      locale: 'zh-CN',
      customerId: null,
    });
    const history = await api.db.db
      .select()
      .from(events)
      .where(and(eq(events.aggregateType, 'complaint'), eq(events.aggregateId, row.id)));
    expect(history).toEqual([
      expect.objectContaining({
        orgId: api.orgA.id,
        type: 'complaint.filed',
        sequence: 1,
        visibility: 'public',
        actorType: 'site',
        actorId: row.siteId,
        payload: { siteId: row.siteId, customerId: null, category: 'defect' },
        occurredAt: row.createdAt,
      }),
    ]);
  });

  it('shows the tracking token once and stores only its SHA-256 hash', async ({ api, widget }) => {
    const receipt = await filed(widget);
    expect(receipt.trackingToken).toMatch(TRACKING_CODE); // 80 bits, Crockford base32
    const row = (await storedComplaints(api, api.orgA.id)).find((c) => c.reference === receipt.reference)!;
    // The hash is of the code's canonical body (no dashes), whatever spelling is typed later.
    expect(row.trackingTokenHash).toBe(createHash('sha256').update(receipt.trackingToken.replaceAll('-', '')).digest('base64url'));
    expect(JSON.stringify(row)).not.toContain(receipt.trackingToken);
  });

  it('gives every complaint its own reference', async ({ widget }) => {
    const receipts = await Promise.all(Array.from({ length: 20 }, () => filed(widget)));
    const references = receipts.map((r) => r.reference);
    expect(new Set(references).size).toBe(20);
    for (const reference of references) expect(reference).toMatch(REFERENCE);
  });

  it('draws another reference when the first is taken', async ({ api, widget }) => {
    const first = await filed(widget);
    const spy = vi.spyOn(referenceSource, 'next').mockReturnValueOnce(first.reference);
    const second = await filed(widget);
    expect(spy).toHaveBeenCalledTimes(2);
    expect(second.reference).not.toBe(first.reference);
    const rows = await storedComplaints(api, api.orgA.id);
    expect(rows.filter((r) => r.reference === first.reference)).toHaveLength(1);
    expect((await complaintStatus(widget, second.reference, second.trackingToken)).__typename).toBe('QueryComplaintStatusSuccess');
  });

  it('returns text exactly as given, as plain strings', async ({ api, widget }) => {
    const html = '<img src=x onerror=alert(1)> and <script>alert("x")</script>';
    const receipt = await filed(widget, { description: html, desiredOutcome: '<b>refund</b>', contact: { name: '<i>Eve</i>' } });
    const row = (await storedComplaints(api, api.orgA.id)).find((c) => c.reference === receipt.reference)!;
    expect(row.description).toBe(html);
    expect(row.desiredOutcome).toBe('<b>refund</b>');
    expect(row.contact).toEqual({ name: '<i>Eve</i>' });
  });

  it('treats blank optional fields as absent', async ({ api, widget }) => {
    const receipt = await filed(widget, { desiredOutcome: '   ', contact: { name: '', email: ' ', phone: '' }, context: {} });
    const row = (await storedComplaints(api, api.orgA.id)).find((c) => c.reference === receipt.reference)!;
    expect(row).toMatchObject({ desiredOutcome: null, contact: null, context: null });
  });
});

describe('fileComplaint refuses bad input and stores nothing', () => {
  const refused = async (api: TestApi, widget: Caller, overrides: Record<string, unknown>) => {
    const before = await storedCounts(api);
    const result = await fileComplaint(widget, complaintInput(overrides));
    expect(await storedCounts(api)).toEqual(before);
    return result;
  };
  const issues = (result: Json): { path: string[]; message: string }[] => {
    expect(result.__typename).toBe('ValidationError');
    return result.issues;
  };

  it('a description that is too short, blank or too long', async ({ api, widget }) => {
    expect(issues(await refused(api, widget, { description: 'too short' }))[0]!.path).toEqual(['input', 'description']);
    expect(issues(await refused(api, widget, { description: ' '.repeat(50) }))[0]!.path).toEqual(['input', 'description']);
    const oversize = issues(await refused(api, widget, { description: 'x'.repeat(10_001) }));
    expect(oversize).toEqual([{ path: ['input', 'description'], message: 'must be at most 10000 characters' }]);
  });

  it('accepts a description of exactly 10000 characters', async ({ widget }) => {
    const result = await fileComplaint(widget, complaintInput({ description: 'y'.repeat(10_000) }));
    expect(result.__typename).toBe('MutationFileComplaintSuccess');
  });

  it('a desired outcome or contact name that is too long', async ({ api, widget }) => {
    expect(issues(await refused(api, widget, { desiredOutcome: 'z'.repeat(2001) }))[0]!.path).toEqual(['input', 'desiredOutcome']);
    expect(issues(await refused(api, widget, { contact: { name: 'n'.repeat(201) } }))[0]!.path).toEqual(['input', 'contact', 'name']);
  });

  it('a bad email or phone, with the path of the field', async ({ api, widget }) => {
    const email = issues(await refused(api, widget, { contact: { email: 'not-an-email' } }));
    expect(email).toEqual([{ path: ['input', 'contact', 'email'], message: 'is not an email address' }]);
    const phone = issues(await refused(api, widget, { contact: { phone: 'call me maybe' } }));
    expect(phone[0]!.path).toEqual(['input', 'contact', 'phone']);
  });

  it('an idempotency key that is not a UUID, or a malformed locale', async ({ api, widget }) => {
    expect(issues(await refused(api, widget, { idempotencyKey: 'abc' }))[0]!.path).toEqual(['input', 'idempotencyKey']);
    expect(issues(await refused(api, widget, { locale: 'not a locale' }))[0]!.path).toEqual(['input', 'locale']);
  });

  it('a submission sent faster than a person can write one', async ({ api, widget }) => {
    const result = issues(await refused(api, widget, { elapsedMs: 1999 }));
    expect(result).toHaveLength(1);
    expect(result[0]!.path).toEqual(['input', 'elapsedMs']);
    expect(result[0]!.message).toMatch(/please take a moment/);
    expect((await fileComplaint(widget, complaintInput({ elapsedMs: 2000 }))).__typename).toBe('MutationFileComplaintSuccess');
  });

  it('a submission without elapsedMs (the widget always sends it)', async ({ api, widget }) => {
    // undefined is left out of the JSON variables: the field is absent.
    const result = issues(await refused(api, widget, { elapsedMs: undefined }));
    expect(result[0]!.path).toEqual(['input', 'elapsedMs']);
    expect(issues(await refused(api, widget, { elapsedMs: -5 }))[0]!.path).toEqual(['input', 'elapsedMs']);
  });
});

describe('the honeypot', () => {
  it('answers a bot as if accepted and stores nothing', async ({ api, widget }) => {
    const before = await storedCounts(api);
    const input = complaintInput({ website: 'http://spam.example', elapsedMs: 10 });
    const result = await fileComplaint(widget, input);
    expect(result.__typename).toBe('MutationFileComplaintSuccess');
    expect(result.data.status).toBe('NEW');
    expect(result.data.reference).toMatch(REFERENCE);
    expect(result.data.trackingToken).toMatch(TRACKING_CODE);
    expect(await storedCounts(api)).toEqual(before);

    // A replay looks consistent too, and the decoy leads nowhere.
    const again = await fileComplaint(widget, input);
    expect(again.data.reference).toBe(result.data.reference);
    expect(again.data.trackingToken).toBe(result.data.trackingToken);
    const status = await complaintStatus(widget, result.data.reference, result.data.trackingToken);
    expect(status.__typename).toBe('NotFoundError');
    expect(await storedCounts(api)).toEqual(before);
  });

  it('lets an empty honeypot through', async ({ widget }) => {
    const result = await fileComplaint(widget, complaintInput({ website: '' }));
    expect(result.__typename).toBe('MutationFileComplaintSuccess');
  });
});

describe('who may file', () => {
  it('needs a site key: an API key is refused', async ({ api }) => {
    const before = await storedCounts(api);
    const result = await api.asA.gql('mutation($input: FileComplaintInput!) { fileComplaint(input: $input) { __typename } }', {
      input: complaintInput(),
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await storedCounts(api)).toEqual(before);
  });

  it('refuses a site key from an origin the site does not allow', async ({ api, site }) => {
    const before = await storedCounts(api);
    const result = await api
      .withSite(site.publishableKey, 'https://evil.example')
      .gql(FILE_COMPLAINT, { input: complaintInput() });
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(await storedCounts(api)).toEqual(before);
  });
});
