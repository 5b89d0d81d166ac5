import { callOperation, operationHashes, type OperationName, type Outcome } from './api.ts';

/** A submission not yet acknowledged by the server; it carries all it needs to be sent by any page. */
export interface Pending {
  /**
   * This entry's own id in the queue. The idempotency key is in `variables.input`: made when the
   * person pressed send, every retry sends the same one (and the later parts of one answer too).
   */
  key: string;
  /** Which widget made it (kind and subject), so a widget shows its own pending answers after a reload. */
  owner: string;
  url: string;
  siteKey: string;
  operation: OperationName;
  /** Its persisted hash (absent in entries stored by bundles before the chunks: those wait for their element's chunk). */
  hash?: string;
  variables: Record<string, unknown>;
  tries: number;
  /** When it was made (ms since the epoch): after MAX_AGE_MS unsent, it is given up. */
  createdAt: number;
}

export type Listener = (item: Pending, outcome: Outcome) => void;

export const STORAGE_KEY = 'careloop:pending';
const MAX_DELAY_MS = 30_000;
/** How long a submission waits in the browser at most (7 days; README, "Widgets"), then it is dropped unsent. */
export const MAX_AGE_MS = 7 * 864e5;

// Where localStorage is unavailable (blocked storage, sandboxed frames, full) the queue lives in
// memory for this page.
let memory: Pending[] = [];
let memoryOnly = false;
const listeners = new Set<Listener>();
const inFlight = new Set<string>();
let timer: ReturnType<typeof setTimeout> | undefined;

/**
 * Read afresh each time: another tab may have sent (and removed) some. Those older than
 * MAX_AGE_MS are left out, so never sent, and gone with the next save; one stored by an older
 * bundle, without createdAt, gets its time from now (and its answers their questionKey).
 */
export function pending(): Pending[] {
  let items = memory;
  if (!memoryOnly) {
    try {
      items = JSON.parse(localStorage.getItem(STORAGE_KEY) || '[]');
    } catch {
      memoryOnly = true;
    }
  }
  const now = Date.now();
  return items.filter((item) => now - (item.createdAt ||= now) < MAX_AGE_MS && upgrade(item));
}

/**
 * A survey response queued by a bundle from before the API said questionKey (README, "Breaking
 * changes") goes out as the server reads it now; the server hashes both alike, so a retry of
 * one it already stored still gets its receipt. Always true (a filter step).
 */
function upgrade(item: Pending): true {
  for (const answer of (item.variables.input as any)?.answers ?? []) {
    if ('questionId' in answer) (answer.questionKey = answer.questionId), delete answer.questionId;
  }
  return true;
}

function save(items: Pending[]): void {
  memory = items;
  if (memoryOnly) return;
  try {
    if (items.length) localStorage.setItem(STORAGE_KEY, JSON.stringify(items));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    memoryOnly = true;
  }
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Stores the submission first, then tries to send it: a crash or a closed tab never loses it. */
export function enqueue(item: Pending): Promise<void> {
  save([...pending(), { ...item, hash: operationHashes[item.operation] }]);
  return flush();
}

/** 1 s, 2 s, 4 s… up to 30 s, with jitter so many pages coming back online do not arrive at once. */
export const backoff = (tries: number) => Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.max(0, tries - 1)) * (0.8 + Math.random() * 0.4);

/**
 * Sends every pending submission not already on its way; keeps those worth retrying (transient
 * failures) and drops the rest: acknowledged, or refused for good (a wrong site key or origin
 * stays wrong however often it is sent).
 */
export async function flush(): Promise<void> {
  clearTimeout(timer);
  timer = undefined;
  await Promise.all(
    pending().map(async (item) => {
      if (item.hash) operationHashes[item.operation] ??= item.hash;
      if (inFlight.has(item.key) || !operationHashes[item.operation]) return;
      inFlight.add(item.key);
      const outcome = await callOperation(item.url, item.siteKey, item.operation, item.variables);
      inFlight.delete(item.key);
      const others = pending().filter((other) => other.key !== item.key);
      if (outcome.ok || !outcome.retry) {
        save(others);
      } else {
        const tries = item.tries + 1;
        save([...others, { ...item, tries }]);
        if (!timer) timer = setTimeout(() => void flush(), backoff(tries));
      }
      for (const listener of listeners) listener(item, outcome);
    }),
  );
}

/**
 * On pagehide, whatever is still pending goes out with keepalive fetches, which outlive the
 * page. They stay stored: the server's idempotency check makes a second delivery on the next
 * load harmless, whereas dropping them here would lose any the browser did not send.
 */
function sendBeforeLeaving(): void {
  for (const item of pending()) {
    if (!inFlight.has(item.key) && operationHashes[item.operation]) void callOperation(item.url, item.siteKey, item.operation, item.variables, true);
  }
}

let started = false;
/** Once per page: send what earlier pages left, and again when the network returns or the page hides. */
export function startQueue(): void {
  if (started) return;
  started = true;
  addEventListener('online', () => void flush());
  addEventListener('pagehide', sendBeforeLeaving);
  if (pending().length) void flush();
}
