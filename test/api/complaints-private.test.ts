import { encodeGlobalID } from '@pothos/plugin-relay';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { customers } from '../../server/db/tables/index.ts';
import { dataOf, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { COMPLAINT_FIELDS, complaintGlobalId, customerToken, filed, storedComplaints } from './complaints-fixtures.ts';

// The file's API, site and widget (test/helpers/fixtures.ts), made before the first test as before.
it.beforeAll(({ widget: _ }) => {});

const COMPLAINT = `query($id: ID!) { complaint(id: $id) { ${COMPLAINT_FIELDS} } }`;
const CUSTOMER_COMPLAINTS = `query($id: ID!) { customer(id: $id) { id complaints(first: 10) { totalCount edges { node { id reference } } } } }`;

async function idOf(api: TestApi, reference: string): Promise<string> {
  const row = (await storedComplaints(api, api.orgA.id)).find((c) => c.reference === reference)!;
  return complaintGlobalId(row.id);
}

async function customerRowIdOf(api: TestApi, externalId: string): Promise<string> {
  const [row] = await api.db.db.select({ id: customers.id }).from(customers).where(eq(customers.externalId, externalId));
  return row!.id;
}

async function customerIdOf(api: TestApi, externalId: string): Promise<string> {
  return encodeGlobalID('Customer', await customerRowIdOf(api, externalId));
}

describe('complaint(id)', () => {
  it('shows the whole complaint to its organization, with its history', async ({ api, site, widget }) => {
    const receipt = await filed(widget, {
      category: 'SERVICE_ATTITUDE',
      description: 'The agent hung up on me <img src=x onerror=alert(1)>',
      desiredOutcome: 'An apology',
      contact: { name: 'Zhang San', email: 'ZS@example.com', phone: '(010) 1234-5678' },
      context: { agentId: 'agent-9', pageUrl: 'https://shop.example.com/help' },
      locale: 'zh-CN',
      customerToken: await customerToken(site.identitySecret, 'ext-zs'),
    });
    const id = await idOf(api, receipt.reference);
    const { complaint } = dataOf(await api.asA.gql(COMPLAINT, { id }));
    expect(complaint).toEqual({
      id,
      reference: receipt.reference,
      status: 'NEW',
      category: 'SERVICE_ATTITUDE',
      description: 'The agent hung up on me <img src=x onerror=alert(1)>',
      desiredOutcome: 'An apology',
      locale: 'zh-CN',
      createdAt: receipt.createdAt,
      updatedAt: receipt.createdAt,
      contact: { name: 'Zhang San', email: 'zs@example.com', phone: '01012345678' },
      context: { pageUrl: 'https://shop.example.com/help', subject: null, agentId: 'agent-9', touchpointId: null, complaintReference: null },
      customer: { id: await customerIdOf(api, 'ext-zs'), externalId: 'ext-zs' },
      history: [
        {
          type: 'complaint.filed',
          sequence: 1,
          visibility: 'PUBLIC',
          actorType: 'site',
          actorId: site.rowId,
          payload: { siteId: site.rowId, customerId: await customerRowIdOf(api, 'ext-zs'), category: 'service_attitude' },
          occurredAt: receipt.createdAt,
        },
      ],
    });
    // The tracking token is never readable, not even by the organization.
    expect(JSON.stringify(complaint)).not.toContain(receipt.trackingToken);
  });

  it('is also reachable as a Relay node', async ({ api, widget }) => {
    const receipt = await filed(widget);
    const id = await idOf(api, receipt.reference);
    const data = dataOf(await api.asA.gql(`query($id: ID!) { node(id: $id) { id ... on Complaint { reference } } }`, { id }));
    expect(data.node).toEqual({ id, reference: receipt.reference });
  });

  it('reads as null for another organization, by complaint(id) and by node(id)', async ({ api, widget }) => {
    const receipt = await filed(widget);
    const id = await idOf(api, receipt.reference);
    expect(dataOf(await api.asB.gql(COMPLAINT, { id })).complaint).toBeNull();
    expect(dataOf(await api.asB.gql(`query($id: ID!) { node(id: $id) { id } }`, { id })).node).toBeNull();
  });

  it('needs only the read scope, and is refused to a site key', async ({ api, widget }) => {
    const receipt = await filed(widget);
    const id = await idOf(api, receipt.reference);
    const key = dataOf(
      await api.asA.gql('mutation { createApiKey(input: { name: "reader", scopes: [READ] }) { ... on MutationCreateApiKeySuccess { data { key } } } }'),
    ).createApiKey.data.key;
    expect(dataOf(await api.withKey(key).gql(COMPLAINT, { id })).complaint.reference).toBe(receipt.reference);
    // Refused before it runs (not a widget operation), and by scope if it ever ran.
    const fromWidget = await widget.gql(COMPLAINT, { id });
    expect(fromWidget.data?.complaint ?? null).toBeNull();
    expect(['PERSISTED_QUERY_ONLY', 'FORBIDDEN']).toContain(fromWidget.errors?.[0]?.extensions?.code);
  });

  it('refuses an id of another type', async ({ api }) => {
    const result = await api.asA.gql(COMPLAINT, { id: encodeGlobalID('Customer', '00000000-0000-4000-8000-000000000000') });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('Customer.complaints', () => {
  it('lists the customer\'s complaints, newest first, with a total', async ({ api, site, widget }) => {
    const token = await customerToken(site.identitySecret, 'ext-list');
    const first = await filed(widget, { customerToken: token });
    // The TestClock stands still: without a step both rows share createdAt and tie on a random id.
    api.clock.advance({ seconds: 1 });
    const second = await filed(widget, { customerToken: token });
    await filed(widget); // anonymous: not theirs
    const data = dataOf(await api.asA.gql(CUSTOMER_COMPLAINTS, { id: await customerIdOf(api, 'ext-list') }));
    expect(data.customer.complaints.totalCount).toBe(2);
    expect(data.customer.complaints.edges.map((e: { node: { reference: string } }) => e.node.reference)).toEqual([
      second.reference,
      first.reference,
    ]);
  });

  it('moves with the customer when customers are merged, and is part of the export', async ({ api, site, widget }) => {
    const source = await filed(widget, { customerToken: await customerToken(site.identitySecret, 'ext-source') });
    await filed(widget, { customerToken: await customerToken(site.identitySecret, 'ext-target') });
    const sourceId = await customerIdOf(api, 'ext-source');
    const targetId = await customerIdOf(api, 'ext-target');
    const merged = dataOf(
      await api.asA.gql(`mutation($s: ID!, $t: ID!) { mergeCustomers(input: { sourceId: $s, targetId: $t }) { __typename } }`, { s: sourceId, t: targetId }),
    );
    expect(merged.mergeCustomers.__typename).toBe('MutationMergeCustomersSuccess');
    const data = dataOf(await api.asA.gql(CUSTOMER_COMPLAINTS, { id: targetId }));
    expect(data.customer.complaints.totalCount).toBe(2);
    expect(data.customer.complaints.edges.map((e: { node: { reference: string } }) => e.node.reference)).toContain(source.reference);

    const exported = dataOf(
      await api.asA.gql(`mutation($id: ID!) { exportCustomer(input: { id: $id }) { ... on MutationExportCustomerSuccess { data } } }`, { id: targetId }),
    ).exportCustomer.data;
    expect(exported.complaints.map((c: { reference: string }) => c.reference)).toContain(source.reference);
  });
});
