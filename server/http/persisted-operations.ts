import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse, type DocumentNode } from 'graphql';

/**
 * The widget operations, from the generated manifest widgets/persisted-operations.json
 * (`npm run operations`): sha256 hex of the document → document. Read once at start and parsed
 * once, so a persisted operation skips parsing on every request.
 */
export interface PersistedOperation {
  hash: string;
  name: string;
  document: string;
  ast: DocumentNode;
}

const manifestUrl = new URL('../../widgets/persisted-operations.json', import.meta.url);

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function load(): ReadonlyMap<string, PersistedOperation> {
  const manifest = JSON.parse(readFileSync(manifestUrl, 'utf8')) as Record<string, string>;
  const operations = new Map<string, PersistedOperation>();
  for (const [hash, document] of Object.entries(manifest)) {
    // A hand-edited manifest must not smuggle in a document other than the one its hash names.
    if (sha256Hex(document) !== hash) throw new Error(`persisted-operations.json: ${hash} is not the hash of its document`);
    const ast = parse(document);
    const operation = ast.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    const name = operation?.kind === Kind.OPERATION_DEFINITION ? operation.name?.value : undefined;
    operations.set(hash, { hash, name: name ?? hash, document, ast });
  }
  return operations;
}

export const persistedOperations = load();

/** A widget operation by name (tests, the benchmark and the widget build look them up so). */
export function persistedOperation(name: string): PersistedOperation {
  for (const operation of persistedOperations.values()) if (operation.name === name) return operation;
  throw new Error(`no persisted operation ${name} in widgets/persisted-operations.json (run \`npm run operations\`)`);
}
