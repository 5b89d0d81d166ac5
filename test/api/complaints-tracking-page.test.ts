import { describe, expect } from 'vitest';
import { fillTrackingPageUrl } from '../../server/sites/sites.input.ts';
import { dataOf, type Caller } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { complaintInput, complaintStatus, fileComplaint, filed } from './complaints-fixtures.ts';

it.beforeAll(({ api: _ }) => {});

const REFUSED = '... on ValidationError { issues { path message } }';

const createSite = async (as: Caller, trackingPageUrl: unknown) =>
  dataOf(
    await as.gql(
      `mutation($url: String) { createSite(input: { name: "Shop", allowedOrigins: ["https://shop.example.com"], trackingPageUrl: $url }) { __typename ... on MutationCreateSiteSuccess { data { site { id trackingPageUrl } } } ${REFUSED} } }`,
      { url: trackingPageUrl },
    ),
  ).createSite;

const updateSite = async (as: Caller, id: string, patch: Record<string, unknown>) =>
  dataOf(await as.gql(`mutation($input: UpdateSiteInput!) { updateSite(input: $input) { __typename ... on MutationUpdateSiteSuccess { data { id trackingPageUrl } } ${REFUSED} } }`, { input: { id, ...patch } })).updateSite;

describe('Site.trackingPageUrl', () => {
  it('is set by createSite, changed and removed by updateSite, and read back', async ({ api }) => {
    const url = 'https://shop.example.com/complaints?ref={reference}&code={code}';
    const created = await createSite(api.asA, url);
    expect(created.data.site.trackingPageUrl).toBe(url);
    const id = created.data.site.id;
    const other = 'http://localhost:3000/track/{reference}#{code}';
    expect((await updateSite(api.asA, id, { trackingPageUrl: other })).data.trackingPageUrl).toBe(other);
    // Absent keeps it; null removes it.
    expect((await updateSite(api.asA, id, { name: 'Renamed' })).data.trackingPageUrl).toBe(other);
    expect((await updateSite(api.asA, id, { trackingPageUrl: null })).data.trackingPageUrl).toBeNull();
    expect((await createSite(api.asA, undefined)).data.site.trackingPageUrl).toBeNull();
  });

  it.for([
    ['https://shop.example.com/complaints?ref={reference}', 'must contain both {reference} and {code}'],
    ['https://shop.example.com/complaints?code={code}', 'must contain both {reference} and {code}'],
    ['http://shop.example.com/c/{reference}/{code}', 'must be an https URL (http only for localhost)'],
    ['javascript:alert(1)//{reference}{code}', 'must be an https URL (http only for localhost)'],
    ['/complaints/{reference}/{code}', 'must be an absolute URL, e.g. https://shop.example.com/complaints?ref={reference}&code={code}'],
    ['https://{reference}.example.com/{code}', 'the placeholders must be in the path, query or fragment, not in the host'],
    ['https://user:pw@shop.example.com/{reference}/{code}', 'must not contain a user name or password'],
    [`https://shop.example.com/{reference}/{code}?${'x'.repeat(2000)}`.slice(0, 2001), 'must be at most 2000 characters'],
  ])('refuses %s', async ([url, message], { api }) => {
    const result = await createSite(api.asA, url);
    expect(result).toEqual({ __typename: 'ValidationError', issues: [{ path: ['input', 'trackingPageUrl'], message }] });
  });

  it('refuses a bad one in updateSite too, and keeps the old one', async ({ api }) => {
    const url = 'https://shop.example.com/t/{reference}/{code}';
    const id = (await createSite(api.asA, url)).data.site.id;
    const result = await updateSite(api.asA, id, { trackingPageUrl: 'https://shop.example.com/t/{reference}' });
    expect(result.issues).toEqual([{ path: ['input', 'trackingPageUrl'], message: 'must contain both {reference} and {code}' }]);
    expect(dataOf(await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on Site { trackingPageUrl } } }`, { id })).node).toEqual({
      trackingPageUrl: url,
    });
  });
});

describe('the receipt of fileComplaint', () => {
  it('carries trackingUrl, the tracking page filled in (URL-encoded), and a replay carries the same', async ({ api }) => {
    const site = await createSite(api.asA, 'https://shop.example.com/complaints?ref={reference}&code={code}&again={reference}');
    const key = dataOf(await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on Site { publishableKey } } }`, { id: site.data.site.id })).node
      .publishableKey;
    const widget = api.withSite(key, 'https://shop.example.com');
    const input = complaintInput();
    const receipt = await filed(widget, input);
    const { reference, trackingToken } = receipt;
    expect(receipt.trackingUrl).toBe(
      `https://shop.example.com/complaints?ref=${reference}&code=${trackingToken}&again=${reference}`,
    );
    // The link works: what the page reads from it finds the complaint.
    const link = new URL(receipt.trackingUrl);
    expect((await complaintStatus(widget, link.searchParams.get('ref')!, link.searchParams.get('code')!)).__typename).toBe(
      'QueryComplaintStatusSuccess',
    );
    expect((await fileComplaint(widget, input)).data.trackingUrl).toBe(receipt.trackingUrl);
    // A decoy's receipt has one too, like a real one.
    const decoy = await fileComplaint(widget, complaintInput({ website: 'http://spam.example' }));
    expect(decoy.data.trackingUrl).toMatch(/^https:\/\/shop\.example\.com\/complaints\?ref=C-/);
  });

  it('is null when the site has no tracking page', async ({ widget }) => {
    expect((await filed(widget)).trackingUrl).toBeNull();
  });

  it('encodes what it fills in', () => {
    expect(fillTrackingPageUrl('https://x.example/{reference}?c={code}', 'C-2345/?&', 'AB CD#')).toBe(
      'https://x.example/C-2345%2F%3F%26?c=AB%20CD%23',
    );
    expect(fillTrackingPageUrl(null, 'C-2345-6789', 'ABCD')).toBeNull();
  });
});
