import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import {
  decoyCodes,
  legacyTrackingTokenFor,
  normalizeTrackingCode,
  trackingTokenFor,
  trackingTokenMatches,
  hashTrackingToken,
} from '../../server/complaints/complaint-codes.ts';
import { complaints } from '../../server/db/tables/index.ts';
import { test as it } from '../helpers/fixtures.ts';
import { complaintInput, complaintStatus, fileComplaint, filed } from './complaints-fixtures.ts';

const CODE = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;
const NOT_FOUND = { __typename: 'NotFoundError', message: 'Complaint was not found' };

describe('tracking codes', () => {
  it('are 16 Crockford base32 characters (80 bits) in groups of four, deterministic per complaint and key', () => {
    const code = trackingTokenFor('secret', 'id-1', 'key-1');
    expect(code).toMatch(CODE);
    expect(trackingTokenFor('secret', 'id-1', 'key-1')).toBe(code);
    expect(trackingTokenFor('secret', 'id-2', 'key-1')).not.toBe(code);
    expect(trackingTokenFor('other', 'id-1', 'key-1')).not.toBe(code);
    // 80 bits: 2,000 codes spread over all 32 symbols in every position and never repeat.
    const codes = Array.from({ length: 2000 }, (_, i) => trackingTokenFor('secret', `id-${i}`, 'k').replaceAll('-', ''));
    expect(new Set(codes).size).toBe(2000);
    for (let position = 0; position < 16; position++) {
      expect(new Set(codes.map((c) => c[position])).size, `position ${position}`).toBe(32);
    }
  });

  it('forgive case, spaces, dashes, O for 0 and I or L for 1; anything else is not a code', () => {
    expect(normalizeTrackingCode('0123-4567-89AB-CDEF')).toBe('0123456789ABCDEF');
    expect(normalizeTrackingCode(' o123 4567 89ab cdef ')).toBe('0123456789ABCDEF');
    expect(normalizeTrackingCode('OI23-4567-89AB-CDEF')).toBe('0123456789ABCDEF');
    expect(normalizeTrackingCode('0l23456789abcdef')).toBe('0123456789ABCDEF');
    expect(normalizeTrackingCode('0123-4567-89AB-CDEU')).toBeNull(); // U is not in the alphabet
    expect(normalizeTrackingCode('0123-4567-89AB-CDE')).toBeNull();
    expect(normalizeTrackingCode('0123-4567-89AB-CDEFG')).toBeNull();
    const code = trackingTokenFor('s', 'i', 'k');
    expect(trackingTokenMatches(code.toLowerCase().replaceAll('-', ' '), hashTrackingToken(code))).toBe(true);
    expect(trackingTokenMatches(code, undefined)).toBe(false);
  });

  it('decoys look like real receipts', () => {
    const decoy = decoyCodes('secret', 'key');
    expect(decoy.trackingToken).toMatch(CODE);
    expect(decoyCodes('secret', 'key')).toEqual(decoy);
  });
});

describe('complaintStatus with a tracking code', () => {
  it.beforeAll(({ api: _ }) => {});

  it('finds the complaint from the code as a person types it', async ({ widget }) => {
    const receipt = await filed(widget);
    const body = receipt.trackingToken.replaceAll('-', '');
    const typed = [
      body,
      body.toLowerCase(),
      ` ${receipt.trackingToken.replaceAll('-', ' ')} `,
      body.replaceAll('0', 'O').replaceAll('1', 'l'),
      body.replaceAll('1', 'I').toLowerCase(),
    ];
    for (const code of typed) {
      const result = await complaintStatus(widget, receipt.reference, code);
      expect(result.__typename, code).toBe('QueryComplaintStatusSuccess');
    }
  });

  it('answers a code of another complaint, a decoy and a one-character slip like an unknown reference', async ({ widget }) => {
    const one = await filed(widget);
    const two = await filed(widget);
    const decoy = await fileComplaint(widget, complaintInput({ website: 'http://spam.example' }));
    const body = one.trackingToken.replaceAll('-', '');
    const slip = `${body.slice(0, 7)}${body[7] === 'Z' ? 'Y' : 'Z'}${body.slice(8)}`;
    for (const [reference, code] of [
      [one.reference, two.trackingToken],
      [decoy.data.reference, decoy.data.trackingToken],
      [one.reference, slip],
      ['C-2222-2222', one.trackingToken],
    ]) {
      expect(await complaintStatus(widget, reference!, code!)).toEqual(NOT_FOUND);
    }
  });

  it('keeps accepting the 43-character token of a complaint filed before the codes, and a replay returns it', async ({ api, widget, site }) => {
    const input = complaintInput();
    const receipt = await filed(widget, input);
    const [row] = await api.db.db.select().from(complaints).where(eq(complaints.reference, receipt.reference));
    const { identitySecret } = (await api.db.db.query.sites.findFirst({ where: { id: row!.siteId! } }))!;
    const legacy = legacyTrackingTokenFor(identitySecret, row!.id, input.idempotencyKey);
    expect(legacy).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // As stored before: SHA-256 of the token as issued.
    await api.db.db
      .update(complaints)
      .set({ trackingTokenHash: createHash('sha256').update(legacy).digest('base64url') })
      .where(eq(complaints.id, row!.id));
    expect((await complaintStatus(widget, receipt.reference, legacy)).__typename).toBe('QueryComplaintStatusSuccess');
    expect(await complaintStatus(widget, receipt.reference, receipt.trackingToken)).toEqual(NOT_FOUND);
    const again = await fileComplaint(widget, input);
    expect(again.data).toMatchObject({ reference: receipt.reference, trackingToken: legacy });
    expect(site.publishableKey).toMatch(/^pk_/);
  });

  it('answers a malformed code like a wrong one', async ({ widget }) => {
    const receipt = await filed(widget);
    for (const code of ['', 'x', '!!!!-!!!!-!!!!-!!!!', randomUUID()]) {
      expect(await complaintStatus(widget, receipt.reference, code)).toEqual(NOT_FOUND);
    }
  });
});
