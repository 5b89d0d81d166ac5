import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'drizzle-orm';
import type { Env } from '../env.ts';
import { openDatabase, type DatabaseHandle } from './client.ts';

/**
 * PGlite is one PostgreSQL instance inside one process: two processes on the same data
 * directory would corrupt it. A lock file (`<dataDir>/careloop.lock`, holding the owner's pid)
 * makes the second one fail with a clear message instead. A lock whose process is gone (a crash,
 * a kill -9) is stale and taken over.
 *
 * Kept hand-written, measured against proper-lockfile 4.1.2 (the well-used one; `lockfile` and
 * `os-lock` judge the same way or are barely used): it judges a lock stale by its mtime, which the
 * holder touches on a timer, not by the holder's pid. A process killed with -9 left a lock that
 * was refused right after the kill and taken over only after 10.3 s (its default `stale`, at
 * least 2 s), so a restart after a crash would fail; it records no pid, so its error
 * ("Lock file is already being held", ELOCKED) cannot name the process; and a holder whose event
 * loop stalls past `stale` is "compromised", which by default throws from a timer. A PGlite data
 * directory is local to one machine, where a pid check is exact.
 */

export const LOCK_FILE = 'careloop.lock';
/** PGlite's own files live in this subfolder, beside the lock. */
export const PGLITE_SUBDIR = 'pg';

/** Another live process holds the data directory. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `careloop data directory ${dataDir} is in use by process ${pid} (is the server running?). ` +
        'Stop it, or set DATABASE_URL to use PostgreSQL.',
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  dataDir: string;
  path: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

/** Lock files this process holds, so a lock naming our own pid is told apart from a stale one. */
const heldByThisProcess = new Set<string>();

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): { text: string; pid: number } | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    return { text, pid: Number.parseInt(text.trim().split(/\s+/)[0] ?? '', 10) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function acquireDataDirLock(dataDirInput: string): DataDirLock {
  const dataDir = resolve(dataDirInput);
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);

  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (!owner) continue; // released between our open and our read: try again
      // Our own pid is only a live owner if this process really holds it; otherwise the file is
      // left over from an earlier life of a container whose processes get the same pids.
      const ownPid = owner.pid === process.pid;
      if ((ownPid && heldByThisProcess.has(path)) || (!ownPid && isAlive(owner.pid))) {
        throw new DataDirInUseError(dataDir, owner.pid);
      }
      takeOverStaleLock(path, owner.text, dataDir);
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    heldByThisProcess.add(path);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      heldByThisProcess.delete(path);
      process.off('exit', release);
      // Only remove the file if it is still ours.
      if (readOwner(path)?.pid === process.pid) {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }
    };
    // A process.exit() without close() still frees the directory.
    process.on('exit', release);
    return { dataDir, path, release };
  }
  throw new Error(`Could not take the lock ${path}: other processes keep competing for it`);
}

/**
 * Moves a stale lock aside atomically. If another process took the lock over between our read
 * and the rename, the moved file is not the stale one: put it back and report it as in use.
 */
function takeOverStaleLock(path: string, staleText: string, dataDir: string): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else moved it
    throw error;
  }
  const moved = readOwner(aside);
  if (moved && moved.text !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // a third process holds the path now; either way it is not ours
    }
    unlinkSync(aside);
    throw new DataDirInUseError(dataDir, moved.pid);
  }
  unlinkSync(aside);
}

/**
 * The database the environment asks for: PostgreSQL when DATABASE_URL is set, otherwise PGlite
 * in CARELOOP_DATA_DIR under the data-directory lock. Used by both the server and the CLI; the
 * handle's close() also releases the lock.
 */
export async function openConfiguredDatabase(
  env: Pick<Env, 'DATABASE_URL' | 'DATABASE_POOL_SIZE' | 'CARELOOP_DATA_DIR'>,
  logger?: Logger,
): Promise<DatabaseHandle & { description: string }> {
  if (env.DATABASE_URL) {
    const handle = await openDatabase({ kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }, logger);
    return { ...handle, description: `PostgreSQL at ${describePostgresUrl(env.DATABASE_URL)}` };
  }
  const lock = acquireDataDirLock(env.CARELOOP_DATA_DIR);
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ kind: 'pglite', dataDir: join(lock.dataDir, PGLITE_SUBDIR) }, logger);
  } catch (error) {
    lock.release();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    ...handle,
    description: `embedded PGlite in ${lock.dataDir}`,
    close: () =>
      (closing ??= (async () => {
        try {
          await handle.close();
        } finally {
          lock.release();
        }
      })()),
  };
}

/** host:port/database, without credentials, for logs and messages. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** The root cause of an error (drizzle wraps driver errors in `cause`). */
export function rootCause(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 10 && current instanceof Error && current.cause instanceof Error; i++) current = current.cause;
  return current;
}

/**
 * One clear line for a database that cannot be used (PostgreSQL down, unknown host, bad
 * credentials, no such database, the data directory in use); undefined for anything else.
 */
export function describeDatabaseError(error: unknown, env: Pick<Env, 'DATABASE_URL'>): string | undefined {
  if (error instanceof DataDirInUseError) return error.message;
  if (!env.DATABASE_URL) return undefined;
  const cause = rootCause(error);
  const first = cause instanceof AggregateError ? cause.errors[0] : cause;
  const code = (first as NodeJS.ErrnoException | undefined)?.code;
  const message = first instanceof Error ? first.message : String(first);
  const where = describePostgresUrl(env.DATABASE_URL);
  if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'CONNECT_TIMEOUT') {
    return `cannot reach PostgreSQL at ${where} (DATABASE_URL): ${code}. Is it running?`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `cannot resolve the PostgreSQL host of DATABASE_URL (${where}): ${code}. Check DATABASE_URL.`;
  }
  // PostgreSQL's own error classes: 28 = authentication, 3D000 = no such database, 42501 = permission.
  if (typeof code === 'string' && /^(28|3D|42501)/.test(code)) return `PostgreSQL at ${where} (DATABASE_URL) refused: ${message}`;
  return undefined;
}
