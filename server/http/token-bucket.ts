/**
 * Token buckets: each key holds up to `burst` tokens and regains `perSecond` per second; a
 * request takes `cost` tokens from every bucket it names, or from none when one of them is
 * short (so a refused request does not drain the other bucket). Two stores share this contract:
 * in memory (one process) and Redis (token-bucket-redis.ts, every instance).
 */
export interface BucketLimit {
  /** Tokens when full: how many requests may arrive at once. */
  burst: number;
  /** Tokens regained per second: the sustained rate. */
  perSecond: number;
}

export interface BucketRequest extends BucketLimit {
  key: string;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface TokenBucketStore {
  take(buckets: readonly BucketRequest[], cost?: number): Promise<TakeResult>;
  close?(): Promise<void>;
}

/** Milliseconds until `tokens` grows to `cost`; the same formula as the Redis script. */
export const waitMs = (bucket: BucketLimit, tokens: number, cost: number) =>
  Math.ceil((cost - tokens) / (bucket.perSecond / 1000));

interface Bucket {
  tokens: number;
  at: number;
  /** When it is full again: from then on it equals a missing bucket and may be dropped. */
  fullAt: number;
}

export class MemoryTokenBuckets implements TokenBucketStore {
  private readonly buckets = new Map<string, Bucket>();
  private takes = 0;

  constructor(
    private readonly now: () => number = Date.now,
    /** A flood of distinct addresses must not grow the map without end. */
    private readonly maxBuckets = 100_000,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  async take(requests: readonly BucketRequest[], cost = 1): Promise<TakeResult> {
    const now = this.now();
    if (++this.takes % 1024 === 0 || this.buckets.size >= this.maxBuckets) this.sweep(now);
    const levels = requests.map((request) => this.level(request, now));
    let wait = 0;
    requests.forEach((request, i) => {
      if (levels[i]! < cost) wait = Math.max(wait, waitMs(request, levels[i]!, cost));
    });
    if (wait > 0) return { allowed: false, retryAfterMs: wait };
    requests.forEach((request, i) => {
      const tokens = levels[i]! - cost;
      this.buckets.set(request.key, { tokens, at: now, fullAt: now + waitMs(request, tokens, request.burst) });
    });
    return { allowed: true };
  }

  private level(request: BucketRequest, now: number): number {
    const bucket = this.buckets.get(request.key);
    if (!bucket) return request.burst;
    return Math.min(request.burst, bucket.tokens + (Math.max(0, now - bucket.at) * request.perSecond) / 1000);
  }

  /** Drops full buckets; if still too many, the oldest (which then start full again). */
  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.fullAt <= now) this.buckets.delete(key);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < this.maxBuckets) break;
      this.buckets.delete(key);
    }
  }
}
