import type { Database } from './client.ts';

export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or an open transaction: helpers that take part in a caller's transaction. */
export type Executor = Database | Transaction;
