import { and, eq } from 'drizzle-orm';
import { customers } from '../db/tables/index.ts';
import type { Executor } from '../db/transaction.ts';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { uniqueViolation } from '../shared/unique-violation.ts';

/** Row-level helpers every customer write shares (service, identities, lifecycle). */

export type CustomerRow = typeof customers.$inferSelect;

/**
 * The customer of this org, or NotFoundError. `lock` takes the row lock writers use, so a write
 * waits for a concurrent merge or erasure and then sees its outcome (the row gone or erased).
 */
export async function requireCustomer(db: Executor, orgId: string, id: string, lock = false): Promise<CustomerRow> {
  const query = db
    .select()
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, id)))
    .limit(1);
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw new NotFoundError('Customer', id);
  return row;
}

export function requireNotErased(customer: CustomerRow, path: string[]): void {
  if (customer.erasedAt) throw ValidationError.single(path, 'this customer was erased and cannot be changed');
}

export async function assertExternalIdFree(
  tx: Executor,
  orgId: string,
  externalId: string | null | undefined,
  ownerId?: string,
): Promise<void> {
  if (!externalId) return;
  const [holder] = await tx
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.externalId, externalId)))
    .limit(1);
  if (holder && holder.id !== ownerId) {
    throw new ConflictError(`Another customer already has externalId ${externalId}`, 'externalId');
  }
}

/**
 * Maps a unique violation that slipped past the checks (a concurrent writer took the value
 * between check and write) to a ConflictError. Identities never get here: claimIdentity
 * detects a taken handle itself and names the field.
 */
export async function withConflicts<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const violation = uniqueViolation(error);
    if (!violation) throw error;
    if (violation.constraint?.includes('external_id')) {
      throw new ConflictError('Another customer already has this externalId', 'externalId');
    }
    throw new ConflictError('This would duplicate an existing record');
  }
}
