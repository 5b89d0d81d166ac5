import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LOCK_FILE } from '../../server/db/data-dir-lock.ts';
import { childEnv, logEntries, repoRoot, tempDir } from './processes.ts';

/**
 * `npm start` as a user (or a container's init, or a process manager) runs it: npm runs the
 * script through `sh -c`, and a SIGTERM goes to npm. Without `exec` in the script, the shell sat
 * between npm and the server, the signal never reached the server, and npm exited leaving the
 * server orphaned, holding the port and the data-directory lock.
 */
const data = tempDir('npm-start');
let npm: ChildProcess | undefined;
let serverPid: number | undefined;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
};

afterAll(() => {
  // Only what this test started, by pid: the server if it outlived npm (the bug), then npm.
  if (serverPid && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
  if (npm && npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
  data.remove();
});

/** Whether something accepts connections on the port. */
const accepting = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** The parent pid of a process, from /proc (Linux). */
const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);

it('SIGTERM to the npm process stops the server: the port is freed, the process gone and the data-directory lock released', { timeout: 150_000 }, async () => {
  npm = spawn('npm', ['start', '--silent'], {
    cwd: repoRoot,
    env: childEnv({ PORT: '0', HOST: '127.0.0.1', CARELOOP_DATA_DIR: data.dir, LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  npm.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  npm.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    npm!.once('exit', (code, signal) => resolve({ code, signal })),
  );

  // PORT=0: the server picks a free port and logs it once listening.
  let port: number | undefined;
  const startBy = Date.now() + 120_000;
  while (!port) {
    if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}:\n${stdout}\n${stderr}`);
    if (Date.now() > startBy) throw new Error(`npm start did not listen within 120 s:\n${stdout}\n${stderr}`);
    port = logEntries(stdout).find((entry) => typeof entry.port === 'number')?.port as number | undefined;
    if (!port) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(health.status).toBe(200);

  // The lock names the process that holds the data directory: the server, a direct child of npm
  // (no shell in between to swallow the signal).
  const lockPath = join(data.dir, LOCK_FILE);
  serverPid = Number(readFileSync(lockPath, 'utf8').trim());
  expect(serverPid).toBeGreaterThan(0);
  expect(serverPid).not.toBe(npm.pid);
  expect(parentOf(serverPid)).toBe(npm.pid);

  npm.kill('SIGTERM');
  const stopBy = Date.now() + 5_000;
  const result = await Promise.race([exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5_000))]);
  expect(result, `npm did not exit within 5 s of SIGTERM:\n${stdout}\n${stderr}`).toBeDefined();
  // npm exits once its child has: by then the server must be gone too, not orphaned.
  while (alive(serverPid) && Date.now() < stopBy) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(alive(serverPid), `server process ${serverPid} outlived npm`).toBe(false);
  expect(await accepting(port)).toBe(false);
  expect(existsSync(lockPath)).toBe(false);
  expect(result!.code).toBe(0);
  const messages = logEntries(stdout).map((entry) => entry.msg);
  expect(messages).toContain('stopped');
});
