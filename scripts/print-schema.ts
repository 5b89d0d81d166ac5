/** Writes schema.graphql from the live schema (sorted). `npm run schema`; a test checks it. */
import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { schema } from '../server/schema.ts';

const path = new URL('../schema.graphql', import.meta.url);
writeFileSync(path, `${printSchema(schema)}\n`);
console.error(`wrote ${path.pathname}`);
