import { decodeGlobalID } from '@pothos/plugin-relay';
import { ValidationError } from './errors.ts';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A plain UUID argument (ids of rows that are not Relay nodes). */
export function uuidArg(value: string, path: string | (string | number)[], entity: string): string {
  if (!UUID.test(value)) throw ValidationError.single(typeof path === 'string' ? [path] : path, `is not a ${entity} id`);
  return value.toLowerCase();
}

/** Decodes a Relay global ID and checks it names the expected type. */
export function decodeId(globalId: string, typename: string, path = 'id'): string {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    throw ValidationError.single([path], `is not a ${typename} id`);
  }
  if (decoded.typename !== typename || !UUID.test(decoded.id)) {
    throw ValidationError.single([path], `is not a ${typename} id`);
  }
  return decoded.id.toLowerCase();
}
