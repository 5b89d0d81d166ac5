import { encodeGlobalID } from '@pothos/plugin-relay';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../server/env.ts';
import { startServer, type RunningServer } from '../../server/main.ts';
import { createPostgresDatabase, killAllChildren, runCli, tempDir, type ThrowawayPostgres } from './processes.ts';

const KEY = /^sk_[A-Za-z0-9_-]{43}$/;

afterAll(killAllChildren);

async function ask(url: string, key: string, query: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** The server, in this process, on the data directory or database the CLI used. */
function startInProcess(env: Record<string, string>): Promise<RunningServer> {
  return startServer({
    env: readEnv({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env }),
    logger: pino({ level: 'silent' }),
    print: () => {},
  });
}

describe.concurrent('bad arguments (no database is opened)', () => {
  const env = { CARELOOP_DATA_DIR: '/nonexistent/careloop-never-created' };

  it('help prints the usage on stdout and exits 0', async () => {
    const result = await runCli(['help'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npm run careloop -- <command>');
    expect(result.stdout).toContain('key create --org <slug> --scopes <scopes>');
  });

  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['org'], 'org needs a command'],
    [['org', 'create'], 'org create needs <name>'],
    [['org', 'create', 'A', 'B'], 'org create takes <name>'],
    [['key', 'create', '--scopes', 'read'], 'key create needs --org'],
    [['key', 'create', '--org', 'acme'], 'key create needs --scopes'],
    [['key', 'create', '--org', 'acme', '--scopes', 'read,sudo'], 'unknown scope sudo'],
    [['key', 'create', '--org', 'acme', '--scopes', 'read', '--slug', 'x'], 'key create does not take --slug'],
    [['key', 'list', '--bogus'], "Unknown option '--bogus'"],
    [['key', 'revoke', 'not-an-id'], '"not-an-id" is not an API key id'],
    // A global id of another type is refused before the database is opened.
    [['key', 'revoke', encodeGlobalID('Site', '00000000-0000-4000-8000-000000000000')], 'is not an API key id'],
  ])('%j exits 2 with a message and the usage', async (args, message) => {
    const result = await runCli(args, env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: npm run careloop -- <command>');
  });
});

// Each test starts one to four processes; leave room for a loaded CI machine.
describe('on embedded PGlite', { timeout: 180_000 }, () => {
  const data = tempDir('cli');
  const env = { CARELOOP_DATA_DIR: data.dir };
  afterAll(() => data.remove());

  let slug: string;
  let key: string;
  let revokedKey: string;

  it('org create prints the slug alone on stdout', async () => {
    const result = await runCli(['org', 'create', 'Acme Care Ltd.'], env);
    expect(result.stderr).toContain('Created organization "Acme Care Ltd."');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('acme-care-ltd\n');
    slug = result.stdout.trim();
  });

  it('org create with a taken slug fails with the service message, exit 1', async () => {
    const result = await runCli(['org', 'create', 'Other', '--slug', slug], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`The slug ${slug} is taken`);
    expect(result.stderr).not.toContain('    at ');
  });

  it('key create prints the key alone on stdout', async () => {
    const first = await runCli(['key', 'create', '--org', slug, '--scopes', 'read,write,admin', '--name', 'ci'], env);
    expect(first.stderr).toContain('shown once');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^sk_[A-Za-z0-9_-]{43}\n$/);
    key = first.stdout.trim();
    expect(key).toMatch(KEY);

    const second = await runCli(['key', 'create', '--org', slug, '--scopes', 'read'], env);
    expect(second.code).toBe(0);
    revokedKey = second.stdout.trim();
    expect(revokedKey).toMatch(KEY);
  });

  it('an unknown org slug exits 2 with a clear message', async () => {
    const result = await runCli(['key', 'create', '--org', 'no-such-org', '--scopes', 'read'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no organization with slug "no-such-org"');
  });

  it('org list and key list show what was created; key revoke revokes', async () => {
    const orgs = await runCli(['org', 'list'], env);
    expect(orgs.code).toBe(0);
    expect(orgs.stdout).toContain(`${slug}\tAcme Care Ltd.\t`);

    const listed = await runCli(['key', 'list', '--org', slug, '--json'], env);
    expect(listed.code).toBe(0);
    const keys = JSON.parse(listed.stdout) as { id: string; globalId: string; prefix: string; name: string; keyHash?: string }[];
    expect(keys).toHaveLength(2);
    expect(keys.every((k) => k.globalId === encodeGlobalID('ApiKey', k.id))).toBe(true);
    expect(keys.every((k) => k.keyHash === undefined)).toBe(true);
    const toRevoke = keys.find((k) => revokedKey.startsWith(k.prefix))!;

    // The global id GraphQL shows (ApiKey.id) works as well as the raw UUID.
    const revoked = await runCli(['key', 'revoke', toRevoke.globalId], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toContain(`Revoked API key ${toRevoke.id}`);

    const unknown = await runCli(['key', 'revoke', '00000000-0000-4000-8000-000000000000'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('was not found');
  });

  it('the key works against the API, the revoked one does not, and the CLI cannot open the data directory meanwhile', async () => {
    const server = await startInProcess(env);
    try {
      // No demo organization: the database was not empty.
      expect(server.seeded).toBeUndefined();
      const ok = await ask(server.url, key, '{ organization { slug } apiKeys { name revokedAt } }');
      expect(ok.errors).toBeUndefined();
      expect(ok.data.organization.slug).toBe(slug);
      expect(ok.data.apiKeys).toHaveLength(2);

      const refused = await ask(server.url, revokedKey, '{ organization { slug } }');
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(refused.errors?.[0]?.message).toContain('revoked');

      // This test process holds the lock now.
      const locked = await runCli(['org', 'list'], env);
      expect(locked.code).toBe(1);
      expect(locked.stdout).toBe('');
      expect(locked.stderr.trim()).toBe(
        `careloop: careloop data directory ${data.dir} is in use by process ${process.pid} (is the server running?). ` +
          'Stop it, or set DATABASE_URL to use PostgreSQL.',
      );
    } finally {
      await server.close();
    }
    // Released on close: the CLI works again.
    const after = await runCli(['migrate'], env);
    expect(after.code).toBe(0);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('on PostgreSQL (TEST_DATABASE_URL)', { timeout: 180_000 }, () => {
  let database: ThrowawayPostgres;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = (await createPostgresDatabase())!;
    env = { DATABASE_URL: database.url };
  });
  afterAll(() => database?.drop());

  it('creates an org and a key whose key works against the API; no lock is taken', async () => {
    const migrate = await runCli(['migrate'], env);
    expect(migrate.stderr).toContain('Migrations applied');
    expect(migrate.code).toBe(0);
    const org = await runCli(['org', 'create', 'Pg Org', '--slug', 'pg-org'], env);
    expect(org.code).toBe(0);
    expect(org.stdout).toBe('pg-org\n');
    const created = await runCli(['key', 'create', '--org', 'pg-org', '--scopes', 'read'], env);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(KEY);

    const server = await startInProcess(env);
    try {
      const ok = await ask(server.url, key, '{ organization { slug } }');
      expect(ok.data?.organization.slug).toBe('pg-org');
      // Several processes may share PostgreSQL.
      const listed = await runCli(['key', 'list', '--org', 'pg-org'], env);
      expect(listed.code).toBe(0);
      const id = listed.stdout.split('\t')[0]!;
      const revoked = await runCli(['key', 'revoke', id, '--org', 'pg-org'], env);
      expect(revoked.code).toBe(0);
      const refused = await ask(server.url, key, '{ organization { slug } }');
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await server.close();
    }
  });
});
