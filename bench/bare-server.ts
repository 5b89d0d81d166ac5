/**
 * The baseline of the intake benchmark: node:http + postgres.js inserting the same feedback row
 * a submitResolutionCheck stores, with none of GraphQL, auth or validation. It answers what the
 * hardware and the database can do, so the ratio says what careloop's layers cost.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import postgres from 'postgres';

// The same pool size as careloop's (DATABASE_POOL_SIZE, 10 unless the bench sets BENCH_POOL_SIZE).
const sql = postgres(process.env.DATABASE_URL!, { max: Number(process.env.BENCH_POOL_SIZE ?? 10), onnotice: () => {} });
const orgId = process.env.BENCH_ORG_ID!;
const siteId = process.env.BENCH_SITE_ID!;

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', async () => {
    try {
      const { input } = JSON.parse(Buffer.concat(chunks).toString()).variables;
      const hash = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
      const [row] = await sql`
        insert into feedback (org_id, site_id, kind, subject, solved, idempotency_key, payload_hash, locale, created_at)
        values (${orgId}, ${siteId}, 'resolution_check', ${input.subject}, ${input.solved}, ${input.idempotencyKey}, ${hash}, ${input.locale ?? null}, ${new Date().toISOString()})
        on conflict do nothing
        returning id, created_at`; // created_at has no column default: times come from a clock (issue 8)
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: { submitResolutionCheck: { data: { feedbackId: row?.id, receivedAt: row?.created_at } } } }));
    } catch (error) {
      response.writeHead(500);
      response.end(String(error));
    }
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => server.close(() => sql.end().then(() => process.exit(0))));
