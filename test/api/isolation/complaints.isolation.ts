import { encodeGlobalID } from '@pothos/plugin-relay';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { complaints, customers } from '../../../server/db/tables/index.ts';
import { dataOf, type TestApi } from '../../helpers/api.ts';
import type { IsolationDomain } from '../../helpers/isolation.ts';
import { confirmResolution, replyTo, staff, type StaffAction } from '../complaints-lifecycle-fixtures.ts';
import { COMPLAINT_FIELDS, complaintInput, complaintStatus, customerToken, fileComplaint, filed } from '../complaints-fixtures.ts';

/** Set by setup, read by the snapshot query (which the walker takes after every setup ran). */
const ids = { anonymous: '', linked: '', customer: '' };

/** Valid inputs of the staff lifecycle mutations (so only the complaint's organization can refuse them). */
const someAgent = encodeGlobalID('Agent', '00000000-0000-4000-8000-000000000001');
const staffInputs: Record<StaffAction, Record<string, unknown>> = {
  acknowledgeComplaint: {},
  triageComplaint: { severity: 'CRITICAL', complainantType: 'ACTIVIST' },
  assignComplaint: { agentId: someAgent },
  transferComplaint: { toTeamId: encodeGlobalID('Team', '00000000-0000-4000-8000-000000000002'), reason: 'B wants it' },
  addComplaintNote: { body: 'B was here', visibility: 'CUSTOMER' },
  requestCustomerInfo: { message: 'B asks' },
  recordRecoveryAction: { type: 'GIFT', description: 'B gift' },
  resolveComplaint: { resolution: 'B resolves' },
  closeComplaint: {},
  reopenComplaint: { reason: 'B reopens' },
};

/** Org B's key on A's complaint: NotFoundError, whatever B's own agent it names. */
const staffCases = Object.fromEntries(
  Object.entries(staffInputs).map(([action, input]) => [
    action,
    async (api: TestApi, a: Record<string, string>) => {
      const result = await staff(api.asB, action as StaffAction, { complaintId: a.complaintId, ...input });
      expect(result).toMatchObject({ __typename: 'NotFoundError', entity: 'Complaint' });
    },
  ]),
);

function bSite(api: TestApi, a: Record<string, string>) {
  return api.withSite(a.bPublishableKey!, a.bOrigin!);
}

export const domain: IsolationDomain = {
  name: 'complaints',
  get snapshotQuery() {
    return `{
      anonymous: complaint(id: "${ids.anonymous}") { ${COMPLAINT_FIELDS} }
      linked: complaint(id: "${ids.linked}") { ${COMPLAINT_FIELDS} }
      customer: node(id: "${ids.customer}") { ... on Customer { complaints(first: 50) { totalCount edges { node { id reference } } } } }
    }`;
  },
  async setup(api) {
    const site = await api.createSite({ allowedOrigins: ['https://complaints-a.example'] });
    const widget = api.withSite(site.publishableKey, site.origin);
    const anonymousInput = complaintInput({ contact: { email: 'secret-a@example.com' } });
    const anonymous = await filed(widget, anonymousInput);
    const linked = await filed(widget, { customerToken: await customerToken(site.identitySecret, 'complainer-a') });
    const rows = await api.db.db.select().from(complaints).where(eq(complaints.orgId, api.orgA.id));
    const idOf = (reference: string) => encodeGlobalID('Complaint', rows.find((r) => r.reference === reference)!.id);
    const [customer] = await api.db.db.select().from(customers).where(eq(customers.externalId, 'complainer-a'));
    ids.anonymous = idOf(anonymous.reference);
    ids.linked = idOf(linked.reference);
    ids.customer = encodeGlobalID('Customer', customer!.id);
    const siteB = await api.createSite({ as: api.asB, allowedOrigins: ['https://complaints-b.example'] });
    return {
      complaintId: ids.anonymous,
      reference: anonymous.reference,
      trackingToken: anonymous.trackingToken,
      idempotencyKey: anonymousInput.idempotencyKey,
      aIdentitySecret: site.identitySecret,
      bPublishableKey: siteB.publishableKey,
      bOrigin: siteB.origin,
    };
  },
  queries: {
    async complaint(api, a) {
      expect(dataOf(await api.asB.gql(`query($id: ID!) { complaint(id: $id) { id reference } }`, { id: a.complaintId })).complaint).toBeNull();
    },
    async complaintStatus(api, a) {
      const result = await complaintStatus(bSite(api, a), a.reference!, a.trackingToken!);
      expect(result.__typename).toBe('NotFoundError');
      expect(JSON.stringify(result)).not.toContain('secret-a');
    },
  },
  mutations: {
    ...staffCases,
    async replyToComplaint(api, a) {
      // B's site with A's reference and code: the same NotFoundError as a wrong code.
      const tracked = { reference: a.reference, trackingToken: a.trackingToken };
      expect(await replyTo(bSite(api, a), { ...tracked, message: 'B writes' })).toMatchObject({ __typename: 'NotFoundError' });
    },
    async confirmComplaintResolution(api, a) {
      const tracked = { reference: a.reference, trackingToken: a.trackingToken };
      expect(await confirmResolution(bSite(api, a), { ...tracked, solved: false, reason: 'B says no' })).toMatchObject({ __typename: 'NotFoundError' });
    },
    async fileComplaint(api, a) {
      const widgetB = bSite(api, a);
      // A's idempotency key neither replays nor conflicts with A's complaint from B's site.
      const reused = await fileComplaint(widgetB, complaintInput({ idempotencyKey: a.idempotencyKey }));
      expect(reused.__typename).toBe('MutationFileComplaintSuccess');
      expect(reused.data.reference).not.toBe(a.reference);
      // A customer token signed with A's secret is not valid on B's site. (B's own token for A's
      // externalId is checked in complaints-idempotency.test.ts: it would add a customer to B,
      // which the core domain's recomputeTiers case counts.)
      const foreign = await fileComplaint(widgetB, complaintInput({ customerToken: await customerToken(a.aIdentitySecret!, 'complainer-a') }));
      expect(foreign.__typename).toBe('ValidationError');
    },
  },
};
