import { encodeGlobalID } from '@pothos/plugin-relay';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { complaints } from '../../../server/db/tables/index.ts';
import { dataOf } from '../../helpers/api.ts';
import type { IsolationDomain } from '../../helpers/isolation.ts';
import { careTeamOf, ok } from '../care-team-fixtures.ts';
import { filed } from '../complaints-fixtures.ts';
import { customersOf } from '../customers-fixtures.ts';

const INBOX_NODE = 'id reference status severity escalated assignee { id } team { id } customer { id } suggestedCustomer { id name }';

const LINK = `mutation($input: LinkComplaintCustomerInput!) { linkComplaintCustomer(input: $input) { __typename } }`;

export const domain: IsolationDomain = {
  name: 'the complaints inbox',
  snapshotQuery: `{ complaints(first: 100, orderBy: { field: CREATED_AT }) { totalCount edges { node { ${INBOX_NODE} } } } }`,
  async setup(api) {
    const site = await api.createSite({ allowedOrigins: ['https://inbox-a.example'] });
    const receipt = await filed(api.withSite(site.publishableKey, site.origin), { contact: { email: 'inbox-secret@a.example' } });
    const customer = ok(await customersOf(api.asA).create({ name: 'Inbox A person', email: 'inbox-secret@a.example' }));
    const agent = ok(await careTeamOf(api.asA).createAgent({ name: 'Inbox agent', email: 'inbox-agent@a.example' }));
    const [row] = await api.db.db
      .select({ id: complaints.id })
      .from(complaints)
      .where(and(eq(complaints.orgId, api.orgA.id), eq(complaints.reference, receipt.reference)));
    return {
      complaintId: encodeGlobalID('Complaint', row!.id),
      reference: receipt.reference,
      customerId: customer.id,
      agentId: agent.id,
    };
  },
  queries: {
    async complaints(api, a) {
      for (const filter of [{}, { open: true }, { search: a.reference }, { search: 'parcel' }, { customerId: a.customerId }, { assigneeId: a.agentId }]) {
        const data = dataOf(
          await api.asB.gql(`query($f: ComplaintFilter) { complaints(first: 100, filter: $f) { totalCount edges { node { ${INBOX_NODE} } } } }`, { f: filter }),
        );
        expect(data.complaints.totalCount).toBe(0);
        expect(JSON.stringify(data)).not.toContain('inbox-secret');
      }
    },
    async complaintByReference(api, a) {
      const data = dataOf(await api.asB.gql(`query($r: String!) { complaintByReference(reference: $r) { id } }`, { r: a.reference }));
      expect(data.complaintByReference).toBeNull();
    },
  },
  mutations: {
    async linkComplaintCustomer(api, a) {
      // One of B's own customers (the core domain made them; a new one would change B's tier counts).
      const bCustomerId = dataOf(await api.asB.gql('{ customers(first: 1) { edges { node { id } } } }')).customers.edges[0].node.id;
      for (const input of [
        { complaintId: a.complaintId, customerId: bCustomerId },
        { complaintId: a.complaintId, customerId: a.customerId },
        { complaintId: a.complaintId, customerId: bCustomerId, actorAgentId: a.agentId },
      ]) {
        expect(dataOf(await api.asB.gql(LINK, { input })).linkComplaintCustomer.__typename).toBe('NotFoundError');
      }
    },
  },
};
