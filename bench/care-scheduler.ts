/**
 * `npm run bench` (after the inbox): the care scheduler on PostgreSQL over 100,000 customers
 * (BENCH_CUSTOMERS), generated in bulk (INSERT … SELECT generate_series), with two plans: an
 * automated birthday greeting for everyone, and a call 3 days after a purchase for tiers A and B
 * (a fifth of the customers bought something in the last week). Two runs at one TestClock
 * instant: the first schedules what falls within the lead time, the second finds it all
 * recorded (the every-minute steady state). Prints customers evaluated per second and the peak
 * memory (rss and heapUsed, sampled every 20 ms) of each run: memory must stay bounded by a
 * page (500 customers), not grow with the audience.
 */
import postgres from 'postgres';
import { TestClock } from '../server/clock/clock.ts';
import { openDatabase } from '../server/db/client.ts';
import { runMigrations } from '../server/db/migrate.ts';
import { runCarePlans } from '../server/care-plans/scheduler/run.ts';
import { createOrganization } from '../server/organizations/organizations.service.ts';
import { withScratchDatabase } from './harness.ts';

const customerCount = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const MB = 1024 * 1024;

await withScratchDatabase('care', 900, async ({ databaseUrl, setStage }) => {
  const handle = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 4 });
  await runMigrations(handle);
  const clock = new TestClock('2031-06-10T08:00:00Z');
  const org = await createOrganization({ db: handle.db, clock }, { name: 'Bench care' });
  const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const created = '2030-01-01T00:00:00Z';
  setStage(`generating ${customerCount} customers`);
  const t0 = performance.now();
  await db`insert into customers (org_id, name, locale, tier, lifecycle_stage, tags, birthday, created_at, updated_at)
    select ${org.id}, 'Customer ' || g, (array['en','zh-CN'])[1 + g % 2], (array['A','B','C'])[1 + g % 3]::customer_tier,
      (array['active','prospect','lapsed'])[1 + g % 3]::lifecycle_stage, array['t' || (g % 10)],
      date '1960-01-01' + (g * 7919 % 14600), ${created}::timestamptz + g * interval '1 second', ${created}::timestamptz
    from generate_series(1, ${customerCount}) g`;
  await db`insert into purchases (org_id, customer_id, product, purchased_at, value, created_at)
    select c.org_id, c.id, 'Kettle', ${clock.now().toISOString()}::timestamptz - (abs(hashtext(c.id::text)) % 168) * interval '1 hour', 10, ${created}::timestamptz
    from customers c where c.org_id = ${org.id} and abs(hashtext(c.id::text)) % 5 = 0`;
  await db`insert into care_plans (org_id, name, trigger_type, trigger, audience, action, quiet_rules, exits, created_at, updated_at) values
    (${org.id}, 'Birthday', 'birthday', '{}', '{}',
      ${db.json({ channel: 'sms', kind: 'greeting_birthday', automated: true, templates: { en: 'Happy birthday, {name}!', 'zh-CN': '{name},生日快乐!' }, leadTimeSeconds: 2 * 86400 })},
      '{}', '{}', ${created}, ${created}),
    (${org.id}, 'Call after purchase', 'after_purchase', ${db.json({ days: 3 })}, ${db.json({ tiers: ['A', 'B'] })},
      ${db.json({ channel: 'phone', kind: 'follow_up', stage: 'after_sale', leadTimeSeconds: 86400 })}, '{}', '{}', ${created}, ${created})`;
  await db`analyze`;
  const generated = (performance.now() - t0) / 1000;
  await db.end();

  const measure = async (label: string) => {
    global.gc?.();
    const before = process.memoryUsage();
    let rss = before.rss;
    let heap = before.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      rss = Math.max(rss, m.rss);
      heap = Math.max(heap, m.heapUsed);
    }, 20);
    setStage(label);
    const start = performance.now();
    const counts = await runCarePlans({ db: handle.db, clock }, { orgId: org.id });
    const secondsTaken = (performance.now() - start) / 1000;
    clearInterval(sampler);
    const perSecond = counts.evaluatedCustomers / secondsTaken;
    console.log(
      `${label.padEnd(28)} ${counts.evaluatedCustomers} evaluations in ${secondsTaken.toFixed(1)} s = ${perSecond.toFixed(0)} customers/s   ` +
        `scheduled ${counts.scheduled}, skipped ${JSON.stringify(counts.skipped)}   ` +
        `peak rss ${(rss / MB).toFixed(0)} MB (+${((rss - before.rss) / MB).toFixed(0)}), peak heapUsed ${(heap / MB).toFixed(0)} MB (+${((heap - before.heapUsed) / MB).toFixed(0)})`,
    );
    return counts;
  };

  console.log(`\ncare scheduler: ${customerCount} customers (generated in ${generated.toFixed(1)} s), 2 plans (birthday for all, after purchase for tiers A and B), PostgreSQL`);
  const first = await measure('first run (schedules)');
  clock.advance({ minutes: 1 });
  const second = await measure('second run (all recorded)');

  await handle.close();
  if (first.scheduled === 0 || second.scheduled !== 0) {
    console.log('unexpected: the first run must schedule and the second create nothing');
    process.exitCode = 1;
  }
});
