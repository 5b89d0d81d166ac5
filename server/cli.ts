/**
 * `npm run careloop -- <command>`: administration from a shell. Results a script wants to capture
 * (a new slug, a new key) go alone on stdout; everything else goes to stderr.
 * Exit codes: 0 done, 1 the command failed, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { asc } from 'drizzle-orm';
import { apiKeyScopes, isApiKeyScope } from './auth/scopes.ts';
import { systemClock } from './clock/clock.ts';
import type { Database, DatabaseHandle } from './db/client.ts';
import { DataDirInUseError, describeDatabaseError, openConfiguredDatabase, rootCause } from './db/data-dir-lock.ts';
import { runMigrations } from './db/migrate.ts';
import { organizations } from './db/tables/index.ts';
import { readEnv, type Env } from './env.ts';
import {
  createApiKey,
  createOrganization,
  findApiKeyOrgId,
  findOrganizationBySlug,
  listApiKeys,
  revokeApiKey,
  type OrganizationRow,
} from './organizations/organizations.service.ts';
import { listJobs } from './jobs/jobs.service.ts';
import { runCarePlans } from './care-plans/scheduler/run.ts';
import { CareloopError, NotFoundError } from './shared/errors.ts';
import { systemTenant } from './tenant/tenant.ts';
import { isEntryPoint } from './shared/entry-point.ts';

export const usage = `Usage: npm run careloop -- <command> [options]

Commands:
  migrate                                     apply pending database migrations
  org create <name> [--slug <slug>]           create an organization; prints its slug
  org list [--json]                           list organizations
  key create --org <slug> --scopes <scopes> [--name <name>]
                                              create an API key; prints the key (shown once)
  key list --org <slug> [--json]              list an organization's API keys
  key revoke <id> [--org <slug>]              revoke an API key
  jobs list [--dead] [--org <slug>] [--json]  queued, running and dead background jobs
                                              (--dead: dead ones only, with their last error)
  care run [--org <slug>] [--json]            run the care plans now (every organization's, or one);
                                              prints what was scheduled, skipped and cancelled
  help                                        show this text

Scopes: ${apiKeyScopes.join(', ')} (comma-separated, e.g. --scopes read,write)

The database is the one the server uses: DATABASE_URL if set, else the embedded
PGlite data directory CARELOOP_DATA_DIR (default .careloop/data), which only one
process can use at a time: stop the server first, or use PostgreSQL.

Exit codes: 0 done, 1 the command failed, 2 bad arguments.`;

/** Bad arguments: the message and the usage text go to stderr, exit code 2. */
export class UsageError extends Error {}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const optionSpec = {
  slug: { type: 'string' },
  org: { type: 'string' },
  scopes: { type: 'string' },
  name: { type: 'string' },
  json: { type: 'boolean' },
  dead: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof optionSpec;
type Options = { [K in OptionName]?: (typeof optionSpec)[K]['type'] extends 'string' ? string : boolean };

interface Command {
  /** Words that name the command, e.g. ['key', 'create']. */
  words: string[];
  /** Positional arguments after the words. */
  args: string[];
  options: OptionName[];
  /** Options that must be given (checked before the database is opened). */
  required?: OptionName[];
  run(ctx: { db: Database; args: string[]; opts: Options; io: CliIo }): Promise<void>;
}

function parseScopes(raw: string): string[] {
  const scopes = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (scopes.length === 0) throw new UsageError('--scopes must name at least one scope');
  const unknown = scopes.filter((s) => !isApiKeyScope(s));
  if (unknown.length) {
    throw new UsageError(`unknown scope ${unknown.join(', ')}: scopes are ${apiKeyScopes.join(', ')}`);
  }
  return scopes;
}

async function requireOrg(db: Database, slug: string | undefined): Promise<OrganizationRow> {
  if (!slug) throw new UsageError('--org <slug> is required');
  const org = await findOrganizationBySlug(db, slug);
  if (!org) throw new UsageError(`no organization with slug "${slug}" (see: npm run careloop -- org list)`);
  return org;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const commands: Command[] = [
  {
    words: ['org', 'create'],
    args: ['name'],
    options: ['slug'],
    async run({ db, args, opts, io }) {
      const org = await createOrganization({ db, clock: systemClock }, { name: args[0]!, slug: opts.slug });
      io.err(`Created organization "${org.name}" (id ${org.id}).`);
      io.out(org.slug);
    },
  },
  {
    words: ['org', 'list'],
    args: [],
    options: ['json'],
    async run({ db, opts, io }) {
      const rows = await db.select().from(organizations).orderBy(asc(organizations.createdAt), asc(organizations.slug));
      if (opts.json) return io.out(JSON.stringify(rows, null, 2));
      if (rows.length === 0) return io.err('No organizations yet: npm run careloop -- org create <name>');
      for (const org of rows) io.out(`${org.slug}\t${org.name}\t${org.id}\t${org.createdAt}`);
    },
  },
  {
    words: ['key', 'create'],
    args: [],
    options: ['org', 'scopes', 'name'],
    required: ['org', 'scopes'],
    async run({ db, opts, io }) {
      const scopes = parseScopes(opts.scopes!);
      const org = await requireOrg(db, opts.org);
      const { key, row } = await createApiKey(systemTenant({ db, clock: systemClock }, org.id), { name: opts.name ?? 'cli', scopes });
      io.err(`Created API key ${row.id} (${row.scopes.join(',')}) for ${org.slug}. It is shown once: only its hash is stored.`);
      io.out(key);
    },
  },
  {
    words: ['key', 'list'],
    args: [],
    options: ['org', 'json'],
    required: ['org'],
    async run({ db, opts, io }) {
      const org = await requireOrg(db, opts.org);
      // globalId is what GraphQL shows (ApiKey.id); key revoke takes either.
      const rows = (await listApiKeys(systemTenant({ db, clock: systemClock }, org.id))).map(({ keyHash: _hash, ...row }) => ({
        ...row,
        globalId: encodeGlobalID('ApiKey', row.id),
      }));
      if (opts.json) return io.out(JSON.stringify(rows, null, 2));
      if (rows.length === 0) return io.err(`${org.slug} has no API keys.`);
      for (const key of rows) {
        const status = key.revokedAt ? `revoked ${key.revokedAt}` : 'active';
        io.out(`${key.id}\t${key.globalId}\t${key.prefix}…\t${key.name}\t${key.scopes.join(',')}\t${status}\tcreated ${key.createdAt}`);
      }
    },
  },
  {
    words: ['key', 'revoke'],
    args: ['id'],
    options: ['org'],
    async run({ db, args, opts, io }) {
      const id = apiKeyRowId(args[0]!)!;
      const orgId = opts.org ? (await requireOrg(db, opts.org)).id : await findApiKeyOrgId(db, id);
      if (!orgId) throw new NotFoundError('ApiKey', id);
      const row = await revokeApiKey(systemTenant({ db, clock: systemClock }, orgId), id);
      io.err(`Revoked API key ${row.id} (${row.prefix}…, ${row.name}) at ${row.revokedAt}.`);
    },
  },
  {
    words: ['jobs', 'list'],
    args: [],
    options: ['dead', 'org', 'json'],
    async run({ db, opts, io }) {
      const org = opts.org ? await requireOrg(db, opts.org) : undefined;
      const rows = await listJobs(db, { orgId: org?.id, states: opts.dead ? ['dead'] : undefined, limit: 500 });
      if (opts.json) return io.out(JSON.stringify(rows.map(({ job, orgSlug }) => ({ ...job, org: orgSlug })), null, 2));
      if (rows.length === 0) return io.err(opts.dead ? 'No dead jobs.' : 'No queued, running or dead jobs.');
      for (const { job, orgSlug } of rows) {
        const when = job.state === 'running' ? `lease until ${job.lockedUntil}` : job.state === 'dead' ? `died ${job.finishedAt}` : `runs at ${job.runAt}`;
        const error = job.lastError ? `\t${job.lastError.replace(/\s+/g, ' ')}` : '';
        io.out(`${job.id}\t${job.state}\t${job.kind}\t${orgSlug ?? '(system)'}\t${job.attempts}/${job.maxAttempts}\t${when}${error}`);
      }
    },
  },
  {
    words: ['care', 'run'],
    args: [],
    options: ['org', 'json'],
    async run({ db, opts, io }) {
      const org = opts.org ? await requireOrg(db, opts.org) : undefined;
      const counts = await runCarePlans({ db, clock: systemClock }, { orgId: org?.id, actor: { type: 'system', id: 'cli' } });
      if (opts.json) return io.out(JSON.stringify(counts, null, 2));
      const reasons = (c: Record<string, number | undefined>) => Object.entries(c).map(([r, n]) => `${r} ${n}`).join(', ') || 'none';
      io.out(
        `plans ${counts.plans}\tcustomers evaluated ${counts.evaluatedCustomers}\tscheduled ${counts.scheduled} (late ${counts.late})\tdue ${counts.due}\tskipped: ${reasons(counts.skipped)}\tcancelled: ${reasons(counts.cancelled)}`,
      );
    },
  },
];

type Parsed =
  | { kind: 'help' }
  | { kind: 'migrate' }
  | { kind: 'command'; command: Command; args: string[]; opts: Options };

/** Parses argv (without node and the script). Throws UsageError on anything it does not know. */
export function parseCommandLine(argv: string[]): Parsed {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof optionSpec; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: optionSpec, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!);
  }
  const { positionals, values } = parsed;
  const [first, second] = positionals;
  if (values.help || first === undefined || first === 'help') return { kind: 'help' };
  if (first === 'migrate') {
    if (positionals.length > 1 || Object.keys(values).length) throw new UsageError('migrate takes no arguments');
    return { kind: 'migrate' };
  }
  const command = commands.find((c) => c.words[0] === first && c.words[1] === second);
  if (!command) {
    const group = commands.filter((c) => c.words[0] === first);
    if (group.length) {
      const actions = group.map((c) => c.words[1]).join(', ');
      throw new UsageError(second ? `unknown ${first} command "${second}": use ${actions}` : `${first} needs a command: ${actions}`);
    }
    throw new UsageError(`unknown command "${first}"`);
  }
  const args = positionals.slice(2);
  if (args.length !== command.args.length) {
    const expected = command.args.map((a) => `<${a}>`).join(' ');
    throw new UsageError(
      args.length < command.args.length
        ? `${command.words.join(' ')} needs ${expected}${command.args[0] === 'name' ? ' (quote a name with spaces)' : ''}`
        : `${command.words.join(' ')} takes ${expected || 'no positional arguments'}, got: ${args.join(' ')}`,
    );
  }
  for (const name of Object.keys(values) as OptionName[]) {
    if (!command.options.includes(name)) throw new UsageError(`${command.words.join(' ')} does not take --${name}`);
  }
  const opts = values as Options;
  for (const name of command.required ?? []) {
    if (opts[name] === undefined || opts[name] === '') {
      throw new UsageError(`${command.words.join(' ')} needs --${name} ${name === 'scopes' ? `<${apiKeyScopes.join(',')}>` : `<${name}>`}`);
    }
  }
  // Scopes are checked here too, so a typo never opens the database.
  if (opts.scopes !== undefined) parseScopes(opts.scopes);
  if (command.words[0] === 'key' && command.words[1] === 'revoke' && apiKeyRowId(args[0]!) === undefined) {
    throw new UsageError(`"${args[0]}" is not an API key id (see: npm run careloop -- key list --org <slug>)`);
  }
  return { kind: 'command', command, args, opts };
}

/** The row id named by a raw UUID (as key list shows) or an ApiKey global id (as GraphQL shows); undefined otherwise. */
function apiKeyRowId(text: string): string | undefined {
  if (UUID.test(text)) return text.toLowerCase();
  try {
    const { typename, id } = decodeGlobalID(text);
    return typename === 'ApiKey' && UUID.test(id) ? id.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: string[], io: CliIo = consoleIo, source: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`careloop: ${error.message}\n`);
    io.err(usage);
    return 2;
  }
  if (parsed.kind === 'help') {
    io.out(usage);
    return 0;
  }

  let env: Env;
  try {
    env = readEnv(source);
  } catch (error) {
    io.err(`careloop: ${(error as Error).message}`);
    return 1;
  }
  let handle: DatabaseHandle | undefined;
  try {
    handle = await openConfiguredDatabase(env);
    await runMigrations(handle);
    if (parsed.kind === 'migrate') {
      io.err('Migrations applied: the database is up to date.');
    } else {
      await parsed.command.run({ db: handle.db, args: parsed.args, opts: parsed.opts, io });
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`careloop: ${error.message}`);
      return 2;
    }
    if (error instanceof CareloopError || error instanceof DataDirInUseError) {
      io.err(`careloop: ${error.message}`);
      return 1;
    }
    const known = describeDatabaseError(error, env);
    const cause = rootCause(error);
    io.err(`careloop: ${known ?? (cause instanceof Error ? cause.message : String(cause))}`);
    if (env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace') io.err(String((error as Error)?.stack ?? ''));
    return 1;
  } finally {
    await handle?.close().catch(() => {});
  }
}

if (isEntryPoint(import.meta.url)) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`careloop: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
