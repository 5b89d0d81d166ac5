/**
 * `npm run bench:ab`: paired comparison of careloop server variants on one machine. Each variant
 * is its own server process (AB_VARIANTS, JSON: [{ "label", "env"?, "flags"?, "entry"? }], the
 * first is the reference; `flags` go to node, `entry` may be a compiled .js entry run without
 * tsx); they are loaded in turn, in short slices (AB_SLICES × AB_SECONDS s, 50 connections), so
 * that a busy neighbour slows every variant alike. Prints each one's median req/s and server CPU
 * µs per request, and the paired median ratio to the first. Differences under about 5 % are
 * noise on a shared 2-core machine; `npm run bench` is the figure to quote.
 *
 *   AB_VARIANTS='[{"label":"now"},{"label":"semi64","flags":["--max-semi-space-size=64"]}]' npm run bench:ab
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { openDatabase } from '../server/db/client.ts';
import { runMigrations } from '../server/db/migrate.ts';
import { createOrganization } from '../server/organizations/organizations.service.ts';
import { createSite } from '../server/sites/sites.service.ts';
import { systemTenant } from '../server/tenant/tenant.ts';
import { systemClock } from '../server/clock/clock.ts';

interface Variant { label: string; env?: Record<string, string>; flags?: string[]; entry?: string }
const variants: Variant[] = JSON.parse(process.env.AB_VARIANTS ?? '[{"label":"A"},{"label":"A again"}]');
const slices = Number(process.env.AB_SLICES ?? 8);
const sliceSeconds = Number(process.env.AB_SECONDS ?? 3);
const origin = 'https://bench.example';
const root = new URL('..', import.meta.url).pathname;
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
/** CPU seconds (user + system) a process has used, from /proc (Linux). */
const cpu = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const name = `careloop_ab_${randomBytes(4).toString('hex')}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(adminUrl); url.pathname = `/${name}`;
const children: ChildProcess[] = [];
try {
  const handle = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 });
  await runMigrations(handle);
  const platform = { db: handle.db, clock: systemClock };
  const org = await createOrganization(platform, { name: 'Bench' });
  const site = await createSite(systemTenant(platform, org.id, 'bench'), { name: 'Bench', allowedOrigins: [origin] });
  await handle.close();
  const manifest = JSON.parse(readFileSync(`${root}widgets/persisted-operations.json`, 'utf8')) as Record<string, string>;
  const hash = Object.entries(manifest).find(([, d]) => d.includes('mutation SubmitResolutionCheck'))![0];
  const servers = [];
  for (const v of variants) {
    const port = await freePort();
    const entry = v.entry ?? 'server/main.ts';
    const child = spawn(process.execPath, [...(v.flags ?? []), ...(entry.endsWith('.js') ? [] : ['--import', 'tsx']), entry], {
      // As in npm run bench: production mode, no rate limits (one client address sends everything).
      env: { ...process.env, DATABASE_URL: url.toString(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_DISABLED: 'true', NODE_ENV: 'production', ...v.env },
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    servers.push({ v, port, child, rps: [] as number[], cpu: [] as number[] });
  }
  for (const s of servers) {
    for (let i = 0; i < 200; i++) { try { await fetch(`http://127.0.0.1:${s.port}/readyz`); break; } catch { await new Promise((r) => setTimeout(r, 100)); } }
  }
  const load = async (port: number, seconds: number) => {
    const r = await autocannon({
      url: `http://127.0.0.1:${port}/graphql`, connections: 50, duration: seconds,
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json', 'x-careloop-site-key': site.publishableKey, origin },
        setupRequest: (q) => ({ ...q, body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } }, variables: { input: { subject: 'article:42', solved: true, idempotencyKey: randomUUID(), locale: 'en', context: { pageUrl: `${origin}/help/42` } } } }) }) }],
    });
    return r;
  };
  // Warm-up: the first seconds of a server are JIT compilation.
  for (const s of servers) await load(s.port, 3);
  for (let i = 0; i < slices; i++) {
    const order = i % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) {
      const c0 = cpu(s.child.pid!);
      const r = await load(s.port, sliceSeconds);
      const c1 = cpu(s.child.pid!);
      s.rps.push(r.requests.average);
      s.cpu.push(((c1 - c0) * 1e6) / r.requests.total);
      if (r.non2xx || r.errors) console.log(`${s.v.label}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  const base = servers[0]!;
  for (const s of servers) {
    console.log(`${s.v.label.padEnd(28)} median ${med(s.rps).toFixed(0).padStart(5)} req/s  ${med(s.cpu).toFixed(0).padStart(4)} µs/req   cpu slices: ${s.cpu.map((x) => x.toFixed(0)).join(' ')}`);
  }
  for (const s of servers.slice(1)) {
    const ratios = s.cpu.map((c, i) => c / base.cpu[i]!);
    console.log(`${s.v.label} / ${base.v.label}: CPU per request ×${med(ratios).toFixed(3)} (paired median), req/s ×${med(s.rps.map((r, i) => r / base.rps[i]!)).toFixed(3)}`);
  }
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
