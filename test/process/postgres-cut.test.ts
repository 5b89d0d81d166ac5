/**
 * The patched postgres.js (patches/postgres+3.4.9.patch): while something in front of the
 * database accepts connections and drops them at once (a proxy or pooler whose database is
 * down), a query fails at once with CONNECTION_CLOSED, which careloop answers 503, instead of
 * waiting, unanswered, until the database is back (postgres.js reconnects a connection whose
 * first query is pending for as long as it takes). PostgreSQL only: the cut is a loopback TCP
 * proxy the test controls.
 */
import postgres from 'postgres';
import { expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../server/db/unavailable.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

const adminUrl = process.env.TEST_DATABASE_URL;

it.skipIf(!adminUrl)('a query during a cut fails at once as an outage, and the pool works again after it', { timeout: 30_000 }, async () => {
  const proxy = await startTcpProxy(new URL(adminUrl!));
  const url = new URL(adminUrl!);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  const sql = postgres(url.toString(), { max: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    proxy.cut();
    const started = Date.now();
    const failures = await Promise.all(
      Array.from({ length: 6 }, () => sql`select 1`.then(() => undefined, (error: unknown) => error)),
    );
    const failedInMs = Date.now() - started;
    expect(failures.every((error) => error && isDatabaseUnavailable(error)), String(failures)).toBe(true);
    // Unpatched, these wait for proxy.restore(): never, in this test.
    expect(failedInMs).toBeLessThan(5_000);
    proxy.restore();
    let back: unknown;
    for (let i = 0; i < 50 && back === undefined; i++) {
      back = await sql`select 1 as one`.then((rows) => rows[0]?.one, () => undefined);
      if (back === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(back).toBe(1);
    console.log(`6 queries during the cut failed as an outage in ${failedInMs} ms`);
  } finally {
    await sql.end({ timeout: 1 });
    await proxy.close();
  }
});
