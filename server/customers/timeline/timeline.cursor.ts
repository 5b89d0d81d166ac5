import { ValidationError } from '../../shared/errors.ts';
import { UUID } from '../../shared/ids.ts';

/**
 * The kinds of timeline entries, each with its rank: the second sort key, so that entries of one
 * instant come in a fixed order (a touchpoint above the purchase it follows up, above feedback,
 * above complaint events). A number rather than the kind's name: text order would depend on the
 * database's collation, and the cursor comparison below is made in JavaScript.
 */
export const timelineKindRanks = { touchpoint: 4, purchase: 3, feedback: 2, complaint_event: 1 } as const;
export type TimelineKind = keyof typeof timelineKindRanks;

const kindOfRank = new Map(Object.entries(timelineKindRanks).map(([kind, rank]) => [rank as number, kind as TimelineKind]));

/**
 * Where an entry sits in the timeline, newest first: ordered by at, then kind rank, then
 * tiebreak (an event's sequence, so a complaint's events of one instant keep their history
 * order; 0 for the others), then id, all descending. `at` is the database's own text with
 * microseconds: a JavaScript Date would round it to milliseconds and the keyset would skip or
 * repeat entries that differ below that.
 */
export interface TimelineKey {
  at: string;
  kind: TimelineKind;
  tiebreak: number;
  id: string;
}

/** The instant as the page statement prints it (UTC, six fractional digits). */
const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** An opaque cursor: base64url of [at, rank, tiebreak, id]. */
export function encodeTimelineCursor(key: TimelineKey): string {
  return Buffer.from(JSON.stringify([key.at, timelineKindRanks[key.kind], key.tiebreak, key.id])).toString('base64url');
}

/** The key a cursor names, or a ValidationError on `after` for anything this timeline did not hand out. */
export function decodeTimelineCursor(cursor: string): TimelineKey {
  const refuse = () => ValidationError.single(['after'], 'is not a cursor of this timeline');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw refuse();
  const [at, rank, tiebreak, id] = parsed as unknown[];
  const kind = typeof rank === 'number' ? kindOfRank.get(rank) : undefined;
  if (typeof at !== 'string' || !AT.test(at) || Number.isNaN(Date.parse(at))) throw refuse();
  if (!kind || !Number.isSafeInteger(tiebreak) || typeof id !== 'string' || !UUID.test(id)) throw refuse();
  return { at, kind, tiebreak: tiebreak as number, id };
}
