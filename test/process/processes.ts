/** Child processes for the process tests: the CLI and the real server, as a user runs them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const children = new Set<ChildProcess>();

/** Kills every child still running (afterAll). */
export async function killAllChildren(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  children.clear();
}

/** The environment of a child: ours without any database or port setting, plus `extra`. */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'PORT', 'HOST', 'CARELOOP_DATA_DIR', 'LOG_LEVEL', 'SHUTDOWN_TIMEOUT_MS', 'NODE_OPTIONS']) {
    delete env[name];
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

function spawnTs(script: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string | undefined>): Promise<Finished> {
  const child = spawnTs('server/cli.ts', args, childEnv(env));
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export interface ServerProcess {
  child: ChildProcess;
  /** http://localhost:<port> */
  url: string;
  port: number;
  output(): { stdout: string; stderr: string };
  /** Resolves when the process has exited. */
  exited: Promise<Finished>;
}

/**
 * Starts `server/main.ts` on a free port and resolves once it logs that it is listening; rejects
 * with its output if it exits first.
 */
export function startServerProcess(env: Record<string, string | undefined>, timeoutMs = 120_000): Promise<ServerProcess> {
  const child = spawnTs('server/main.ts', [], childEnv({ PORT: '0', HOST: '127.0.0.1', ...env }));
  let stdout = '';
  let stderr = '';
  const exited = new Promise<Finished>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as { port?: number; url?: string };
          if (entry.port && entry.url) {
            clearTimeout(timer);
            const port = entry.port;
            resolve({ child, url: `http://127.0.0.1:${port}`, port, output: () => ({ stdout, stderr }), exited });
            return;
          }
        } catch {
          // a partial line: wait for the rest
        }
      }
    });
    void exited.then((result) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${result.code ?? result.signal} before listening:\n${result.stdout}\n${result.stderr}`));
    });
  });
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `careloop-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ThrowawayPostgres {
  url: string;
  drop(): Promise<void>;
}

/** A new database on the TEST_DATABASE_URL server (like test/helpers/database.ts), or undefined. */
export async function createPostgresDatabase(): Promise<ThrowawayPostgres | undefined> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return undefined;
  const name = `careloop_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** The JSON log lines of a server's stdout. */
export function logEntries(stdout: string): { msg?: string; [key: string]: unknown }[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { msg?: string }];
      } catch {
        return [];
      }
    });
}
