import { defineRelations } from 'drizzle-orm';
import * as tables from './tables/index.ts';

export const relations = defineRelations(tables, (r) => ({
  organizations: {
    apiKeys: r.many.apiKeys(),
    customers: r.many.customers(),
  },
  apiKeys: {
    organization: r.one.organizations({ from: r.apiKeys.orgId, to: r.organizations.id, optional: false }),
  },
  customers: {
    organization: r.one.organizations({ from: r.customers.orgId, to: r.organizations.id, optional: false }),
    identities: r.many.customerIdentities({ from: r.customers.id, to: r.customerIdentities.customerId }),
    purchases: r.many.purchases({ from: r.customers.id, to: r.purchases.customerId }),
  },
  customerIdentities: {
    customer: r.one.customers({
      from: r.customerIdentities.customerId,
      to: r.customers.id,
      optional: false,
    }),
  },
  purchases: {
    customer: r.one.customers({ from: r.purchases.customerId, to: r.customers.id, optional: false }),
  },
}));

export type Relations = typeof relations;
