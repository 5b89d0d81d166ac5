import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printSchema } from 'graphql';
import { expect, it } from 'vitest';
import { schema } from '../../server/schema.ts';

const root = new URL('../../', import.meta.url).pathname;

it('schema.graphql is the printed live schema (run `npm run schema` after an API change)', () => {
  const committed = readFileSync(join(root, 'schema.graphql'), 'utf8');
  expect(committed).toBe(`${printSchema(schema)}\n`);
});

it('drizzle/ migrations agree with the tables (run `npm run db:generate` after a table change)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'careloop-drizzle-'));
  try {
    cpSync(join(root, 'drizzle'), join(scratch, 'drizzle'), { recursive: true });
    const before = readdirSync(join(scratch, 'drizzle')).sort();
    const config = join(scratch, 'drizzle.config.ts');
    writeFileSync(
      config,
      `export default { dialect: 'postgresql', schema: ${JSON.stringify(join(root, 'server/db/tables/index.ts'))}, out: ${JSON.stringify(join(scratch, 'drizzle'))} };\n`,
    );
    const output = execFileSync(join(root, 'node_modules/.bin/drizzle-kit'), ['generate', `--config=${config}`], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const after = readdirSync(join(scratch, 'drizzle')).sort();
    expect(after, `drizzle-kit would generate a new migration:\n${output}`).toEqual(before);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}, 60_000);
