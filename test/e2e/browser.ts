/** A real server and Debian's Chromium for the widget browser tests. */
import { existsSync } from 'node:fs';
import { pino } from 'pino';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { readEnv } from '../../server/env.ts';
import { startServer, type RunningServer } from '../../server/main.ts';
import type { DemoSeed } from '../../server/demo/seed.ts';
import { createPostgresDatabase, tempDir, type ThrowawayPostgres } from '../process/processes.ts';

export const chromiumPath = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((path) => existsSync(path));
export const inCI = process.env.CI === 'true';

/** Without Chromium the browser tests skip, loudly; under CI they run, and fail, instead. */
export const skipBrowserTests = !chromiumPath && !inCI;
if (skipBrowserTests) {
  console.warn(
    [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '!!  WIDGET BROWSER TESTS SKIPPED: no Chromium at /usr/bin/chromium.                  !!',
      '!!  Install it (apt-get install -y chromium) to run them; under CI=true they fail.   !!',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '',
    ].join('\n'),
  );
}

export interface BrowserHarness {
  server: RunningServer;
  seeded: DemoSeed;
  context: BrowserContext;
  /** Runs a GraphQL document with the demo organization's API key. */
  api<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/**
 * startServer on a fresh PGlite data directory (or a throwaway PostgreSQL database when
 * TEST_DATABASE_URL is set), seeded as a first `npm start` is, and Chromium launched as
 * DESIGN.md says: persistent context, fresh user-data-dir, no sandbox (root in CI).
 */
export async function startBrowserHarness(): Promise<BrowserHarness> {
  if (!chromiumPath) throw new Error('CI=true but Chromium is not installed (/usr/bin/chromium): .ci/run installs it with apt-get');
  const dataDir = tempDir('browser-data');
  const profile = tempDir('browser-profile');
  let postgres: ThrowawayPostgres | undefined;
  let server: RunningServer | undefined;
  try {
    postgres = await createPostgresDatabase();
    const env = readEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      CARELOOP_DATA_DIR: dataDir.dir,
      LOG_LEVEL: 'silent',
      ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    });
    server = await startServer({ env, logger: pino({ level: 'silent' }), print: () => {} });
    const seeded = server.seeded;
    if (!seeded) throw new Error('the fresh database was not seeded');
    const context = await chromium.launchPersistentContext(profile.dir, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const running = server;
    return {
      server: running,
      seeded,
      context,
      async api(query, variables) {
        const response = await fetch(`${running.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.apiKey.key}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data?: any; errors?: unknown[] };
        if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
        return body.data;
      },
      async close() {
        await context.close().catch(() => {});
        await running.close();
        await postgres?.drop();
        dataDir.remove();
        profile.remove();
      },
    };
  } catch (error) {
    await server?.close().catch(() => {});
    await postgres?.drop().catch(() => {});
    dataDir.remove();
    profile.remove();
    throw error;
  }
}

/** The deepest focused element, through open shadow roots: its tag and text or value. */
export function focused(page: Page): Promise<{ tag: string; text: string; role: string | null }> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    const input = active as HTMLInputElement | null;
    return {
      tag: active?.localName ?? '',
      text: (input?.value || active?.textContent || '').trim(),
      role: active?.getAttribute('role') ?? null,
    };
  });
}
