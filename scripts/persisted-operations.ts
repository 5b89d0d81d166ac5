/**
 * `npm run operations`: writes widgets/persisted-operations.json, the manifest of the widget
 * operations (sha256 hex of the document → document) from widgets/operations/*.graphql.
 *
 * Each document is stored as graphql-js prints it, so the hash does not depend on comments or
 * formatting in the source file; a widget that sends the text instead of the hash must send
 * exactly this printed text. test/api/security-persisted-operations.test.ts fails when the
 * committed manifest differs from what this script would write.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { isEntryPoint } from '../server/shared/entry-point.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
export const operationsDir = join(root, 'widgets/operations');
export const manifestPath = join(root, 'widgets/persisted-operations.json');

export interface PersistedOperationSource {
  file: string;
  name: string;
  document: string;
  hash: string;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Reads, checks and prints every operation file; throws naming the file that is wrong. */
export function readOperations(dir: string = operationsDir): PersistedOperationSource[] {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort();
  const seen = new Map<string, string>();
  return files.map((file) => {
    const document = parse(readFileSync(join(dir, file), 'utf8'));
    const operations = document.definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
    if (operations.length !== 1) throw new Error(`${file}: expected exactly one operation, found ${operations.length}`);
    const name = operations[0]!.name?.value;
    if (!name) throw new Error(`${file}: the operation needs a name (widgets and logs refer to it)`);
    const other = seen.get(name);
    if (other) throw new Error(`${file}: operation ${name} is already defined in ${other}`);
    seen.set(name, file);
    const printed = print(document);
    return { file, name, document: printed, hash: sha256Hex(printed) };
  });
}

/** The manifest's content, ordered by operation name so its diff stays readable. */
export function buildManifest(dir: string = operationsDir): Record<string, string> {
  const operations = readOperations(dir).sort((a, b) => a.name.localeCompare(b.name));
  return Object.fromEntries(operations.map((operation) => [operation.hash, operation.document]));
}

export const manifestText = (manifest: Record<string, string>) => `${JSON.stringify(manifest, null, 2)}\n`;

if (isEntryPoint(import.meta.url)) {
  const manifest = buildManifest();
  writeFileSync(manifestPath, manifestText(manifest));
  process.stdout.write(`wrote ${Object.keys(manifest).length} operations to widgets/persisted-operations.json\n`);
}
