/**
 * Soak check for postgres.js's pool queue (porsager/postgres#747, patched in patches/): a bare
 * query loop over several windows must hold its throughput instead of decaying as the process
 * runs. `npm run bench:soak` (BENCH_DATABASE_URL, default the local test database).
 */
import postgres from 'postgres';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const windows = Number(process.env.SOAK_WINDOWS ?? 6);
const windowMs = Number(process.env.SOAK_WINDOW_MS ?? 5000);
const concurrency = 20;

const sql = postgres(url, { max: 10, onnotice: () => {} });
const perWindow: number[] = [];
try {
  for (let w = 0; w < windows; w++) {
    let done = 0;
    const until = Date.now() + windowMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) {
          await sql`select 1 as one`;
          done++;
        }
      }),
    );
    perWindow.push(Math.round(done / (windowMs / 1000)));
    console.log(`window ${w + 1}/${windows}: ${perWindow.at(-1)} queries/s`);
  }
} finally {
  await sql.end();
}
const first = perWindow[0]!;
const last = perWindow.at(-1)!;
const ratio = last / first;
console.log(`last/first window: ${ratio.toFixed(2)} (a decaying queue shows well under 0.8)`);
process.exitCode = ratio < 0.7 ? 1 : 0;
