import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { expect, it } from 'vitest';
import { customerLinks, type CustomerLink } from '../../server/customers/customer-links.ts';
import * as tables from '../../server/db/tables/index.ts';

/**
 * Merge, erasure and export visit only the tables customer-links.ts lists: a table with a
 * `customer_id` that is not there would keep a merged customer's rows on the deleted one and the
 * erased person's data. Walking the table definitions catches it when the table is added.
 */
const allTables = (Object.values(tables) as unknown[]).filter((value): value is PgTable => is(value, PgTable));

function customerLinked(): PgTable[] {
  return allTables.filter((table) => getTableConfig(table).columns.some((column) => column.name === 'customer_id'));
}

/** The SQL names of the customer-linked tables that `links` leaves out. */
function missingFrom(links: readonly CustomerLink[]): string[] {
  return customerLinked()
    .filter((table) => !links.some((link) => link.table === table))
    .map((table) => getTableConfig(table).name);
}

it('lists every table that has a customer_id column', () => {
  expect(customerLinked().length).toBeGreaterThanOrEqual(4);
  expect(missingFrom(customerLinks)).toEqual([]);
  // The walk does see a table that the list forgets.
  expect(missingFrom(customerLinks.filter((link) => link.name !== 'complaints'))).toEqual(['complaints']);
});

it('points each link at its own table’s org_id and customer_id, under a name of its own', () => {
  for (const link of customerLinks) {
    const { columns } = getTableConfig(link.table);
    expect(columns.find((column) => column.name === 'customer_id'), link.name).toBe(link.customerId);
    expect(columns.find((column) => column.name === 'org_id'), link.name).toBe(link.orgId);
  }
  expect(new Set(customerLinks.map((link) => link.name)).size).toBe(customerLinks.length);
});
