// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoff, enqueue, flush, pending, startQueue, STORAGE_KEY, subscribe, type Pending } from '../../widgets/internal/queue.ts';

const item = (key: string): Pending => ({
  key,
  owner: 'careloop-did-this-solve|article:1',
  url: 'https://c.test/graphql',
  siteKey: 'pk_1',
  operation: 'SubmitResolutionCheck',
  variables: { input: { subject: 'article:1', solved: true, idempotencyKey: key } },
  tries: 0,
});

const ok = () => new Response(JSON.stringify({ data: { submitResolutionCheck: { __typename: 'MutationSubmitResolutionCheckSuccess', data: { id: 'f1' } } } }));
const sentKeys = (fetch: ReturnType<typeof vi.fn>) => fetch.mock.calls.map(([, init]) => JSON.parse((init as RequestInit).body as string).variables.input.idempotencyKey);

beforeEach(() => {
  localStorage.clear();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('submit queue', () => {
  it('stores a submission before sending it, and forgets it once acknowledged', async () => {
    let storedDuringSend: unknown;
    vi.stubGlobal('fetch', vi.fn(async () => ((storedDuringSend = localStorage.getItem(STORAGE_KEY)), ok())));
    const outcomes: unknown[] = [];
    const stop = subscribe((_, outcome) => outcomes.push(outcome));
    await enqueue(item('11111111-1111-4111-8111-111111111111'));
    stop();
    expect(JSON.parse(storedDuringSend as string)).toHaveLength(1);
    expect(localStorage.getItem(STORAGE_KEY)).toBeNull();
    expect(outcomes).toEqual([{ ok: true, data: { id: 'f1' } }]);
  });

  it('keeps a submission while offline and retries with backoff, always with the same idempotency key', async () => {
    const fetch = vi.fn().mockRejectedValueOnce(new TypeError('offline')).mockRejectedValueOnce(new TypeError('offline')).mockImplementation(async () => ok());
    vi.stubGlobal('fetch', fetch);
    const key = '22222222-2222-4222-8222-222222222222';
    await enqueue(item(key));
    expect(pending()).toEqual([expect.objectContaining({ key, tries: 1 })]);
    await vi.advanceTimersByTimeAsync(1300); // 1 s ± 20 %
    expect(pending()).toEqual([expect.objectContaining({ key, tries: 2 })]);
    await vi.advanceTimersByTimeAsync(2500); // 2 s ± 20 %
    expect(pending()).toEqual([]);
    expect(sentKeys(fetch)).toEqual([key, key, key]);
  });

  it('drops a submission the server refused, and reports it', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ errors: [{ message: 'Unknown or malformed site key' }] }), { status: 401 })));
    const outcomes: unknown[] = [];
    const stop = subscribe((_, outcome) => outcomes.push(outcome));
    await enqueue(item('33333333-3333-4333-8333-333333333333'));
    stop();
    expect(pending()).toEqual([]);
    expect(outcomes).toEqual([{ ok: false, retry: false, message: 'Unknown or malformed site key' }]);
  });

  it('sends what an earlier page left on start, and everything pending with keepalive on pagehide', async () => {
    const left = item('44444444-4444-4444-8444-444444444444');
    localStorage.setItem(STORAGE_KEY, JSON.stringify([left]));
    const fetch = vi.fn().mockRejectedValue(new TypeError('offline'));
    vi.stubGlobal('fetch', fetch);
    startQueue();
    await vi.waitFor(() => expect(pending()[0]?.tries).toBe(1));
    fetch.mockClear();
    dispatchEvent(new Event('pagehide'));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect((fetch.mock.calls[0]![1] as RequestInit).keepalive).toBe(true);
    // Not forgotten: whether the keepalive send arrived is unknown; a replay is harmless.
    expect(pending()).toHaveLength(1);
  });

  it('does not send one submission twice at once', async () => {
    vi.useRealTimers();
    let release!: () => void;
    const fetch = vi.fn(() => new Promise<Response>((resolve) => (release = () => resolve(ok()))));
    vi.stubGlobal('fetch', fetch);
    const first = enqueue(item('55555555-5555-4555-8555-555555555555'));
    const second = flush();
    await Promise.resolve();
    release();
    await Promise.all([first, second]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('backs off 1 s, 2 s, 4 s… up to 30 s, with ±20 % jitter', () => {
    for (const [tries, base] of [[1, 1000], [2, 2000], [3, 4000], [10, 30_000]] as const) {
      const delay = backoff(tries);
      expect(delay).toBeGreaterThanOrEqual(base * 0.8);
      expect(delay).toBeLessThanOrEqual(base * 1.2);
    }
  });
});
