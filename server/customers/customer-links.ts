import type { SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';

/**
 * Tables that point at a customer. Merging moves their rows to the surviving customer and
 * export includes them, so each later domain (feedback, complaints, touchpoints…) registers
 * its tables here instead of the customer service knowing about every domain.
 */
export interface CustomerLink {
  /** Key in the export document, e.g. "purchases". */
  name: string;
  table: PgTable;
  orgId: AnyPgColumn;
  customerId: AnyPgColumn;
  /** How the export lists the rows, e.g. newest first; unordered when absent. */
  order?: SQL[];
}

const links: CustomerLink[] = [];

export function registerCustomerLink(link: CustomerLink): void {
  if (!links.some((l) => l.name === link.name)) links.push(link);
}

export function customerLinks(): readonly CustomerLink[] {
  return links;
}
