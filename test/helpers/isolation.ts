import type { TestApi } from './api.ts';

export type IsolationCase = (api: TestApi, a: Record<string, string>) => Promise<void>;

/**
 * One domain's part of the tenant-isolation walk (test/api/tenant-isolation.test.ts). Each
 * domain lives in test/api/isolation/<domain>.isolation.ts and exports `domain`. Together the
 * domains must name every root query and mutation of the schema.
 */
export interface IsolationDomain {
  name: string;
  /** Creates org A's rows; the returned ids reach every case as `a`. */
  setup(api: TestApi): Promise<Record<string, string>>;
  /** A query org A runs with its own key; its result must be the same after every case. */
  snapshotQuery: string;
  /** Cases per root field: org B's key (or B's site key) aimed at org A's rows. */
  queries: Record<string, IsolationCase>;
  mutations: Record<string, IsolationCase>;
}
