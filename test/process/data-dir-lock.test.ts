import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirInUseError, LOCK_FILE } from '../../server/db/data-dir-lock.ts';
import { tempDir } from './processes.ts';

const data = tempDir('lock');
afterAll(() => data.remove());

/** A pid that surely belongs to no process: one that just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

it('creates the directory, writes our pid, refuses a second holder, and releases', () => {
  const dir = join(data.dir, 'a', 'b');
  const lock = acquireDataDirLock(dir);
  const path = join(dir, LOCK_FILE);
  expect(readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
  expect(() => acquireDataDirLock(dir)).toThrow(DataDirInUseError);
  expect(() => acquireDataDirLock(dir)).toThrow(
    `careloop data directory ${dir} is in use by process ${process.pid} (is the server running?). Stop it, or set DATABASE_URL to use PostgreSQL.`,
  );
  lock.release();
  lock.release();
  expect(existsSync(path)).toBe(false);
  acquireDataDirLock(dir).release();
});

it('refuses a lock held by another live process', () => {
  const dir = join(data.dir, 'live');
  acquireDataDirLock(dir).release();
  writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
  expect(() => acquireDataDirLock(dir)).toThrow(`is in use by process ${process.ppid}`);
});

it('takes over a stale lock whose process is gone', () => {
  const dir = join(data.dir, 'stale');
  acquireDataDirLock(dir).release();
  writeFileSync(join(dir, LOCK_FILE), `${deadPid()}\n`);
  const lock = acquireDataDirLock(dir);
  expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
  lock.release();
});

it('takes over a lock naming our own pid that this process does not hold (a restarted container)', () => {
  const dir = join(data.dir, 'own');
  acquireDataDirLock(dir).release();
  writeFileSync(join(dir, LOCK_FILE), `${process.pid}\n`);
  const lock = acquireDataDirLock(dir);
  expect(() => acquireDataDirLock(dir)).toThrow(DataDirInUseError);
  lock.release();
});

it('takes over an unreadable (garbage) lock file', () => {
  const dir = join(data.dir, 'garbage');
  acquireDataDirLock(dir).release();
  writeFileSync(join(dir, LOCK_FILE), 'not a pid');
  acquireDataDirLock(dir).release();
});

it('release leaves a lock alone that is no longer ours', () => {
  const dir = join(data.dir, 'stolen');
  const lock = acquireDataDirLock(dir);
  writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
  lock.release();
  expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.ppid));
});
