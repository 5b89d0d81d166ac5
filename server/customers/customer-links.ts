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
  /**
   * What the right to erasure blanks in this table's rows of the customer (free text, contact
   * data): column key → value. Rows stay, so statistics stay true.
   */
  erase?: Record<string, unknown>;
  /** Column keys left out of the export: bookkeeping such as hashes that says nothing of the person. */
  exportOmits?: string[];
}

const links: CustomerLink[] = [];

export function registerCustomerLink(link: CustomerLink): void {
  if (!links.some((l) => l.name === link.name)) links.push(link);
}

export function customerLinks(): readonly CustomerLink[] {
  return links;
}
