// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useOperations } from '../../widgets/internal/api.ts';
import * as surveyOperations from '../../widgets/survey/operations.ts';
import * as resolutionOperations from '../../widgets/did-this-solve/operations.ts';
import { backoff, enqueue, flush, MAX_AGE_MS, pending, startQueue, STORAGE_KEY, subscribe, type Pending } from '../../widgets/internal/queue.ts';

// What the elements' chunks do when they load: the queue sends only operations whose hash it knows.
useOperations({ ...surveyOperations, ...resolutionOperations });

const item = (key: string): Pending => ({
  key,
  owner: 'careloop-did-this-solve|article:1',
  url: 'https://c.test/graphql',
  siteKey: 'pk_1',
  operation: 'SubmitResolutionCheck',
  variables: { input: { subject: 'article:1', solved: true, idempotencyKey: key } },
  tries: 0,
  createdAt: Date.now(),
});

const ok = () => new Response(JSON.stringify({ data: { submitResolutionCheck: { __typename: 'MutationSubmitResolutionCheckSuccess', data: { feedbackId: 'f1' } } } }));
const sentKeys = (fetch: ReturnType<typeof vi.fn>) => fetch.mock.calls.map(([, init]) => JSON.parse((init as RequestInit).body as string).variables.input.idempotencyKey);

beforeEach(() => {
  localStorage.clear();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
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
    expect(outcomes).toEqual([{ ok: true, data: { feedbackId: 'f1' } }]);
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

  it('sends a survey response queued by an older bundle (answers with questionId) with questionKey', async () => {
    const fetch = vi.fn(async () => ok());
    vi.stubGlobal('fetch', fetch);
    const key = '44444444-4444-4444-8444-444444444444';
    const answers = [{ questionId: 'rating', value: 4 }, { questionId: 'multi', value: ['x'] }];
    const old = { ...item(key), operation: 'SubmitSurveyResponse' as const, variables: { input: { surveyKey: 's', answers, idempotencyKey: key } } };
    localStorage.setItem(STORAGE_KEY, JSON.stringify([old]));
    await flush();
    const sent = JSON.parse((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body as string).variables.input;
    expect(sent.answers).toEqual([{ questionKey: 'rating', value: 4 }, { questionKey: 'multi', value: ['x'] }]);
    expect(sent.idempotencyKey).toBe(key);
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

  it('drops a queued submission that meets a refusal later: a wrong site key or origin never becomes right by retrying', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const refused = new Response(JSON.stringify({ errors: [{ message: 'Origin https://x.test is not allowed for this site', extensions: { code: 'FORBIDDEN' } }] }), { status: 403 });
    const fetch = vi.fn().mockRejectedValueOnce(new TypeError('offline')).mockResolvedValueOnce(new Response('', { status: 503 })).mockResolvedValue(refused);
    vi.stubGlobal('fetch', fetch);
    const outcomes: unknown[] = [];
    const stop = subscribe((_, outcome) => outcomes.push(outcome));
    await enqueue(item('66666666-6666-4666-8666-666666666666'));
    expect(pending()).toEqual([expect.objectContaining({ tries: 1 })]);
    await vi.advanceTimersByTimeAsync(1300);
    expect(pending()).toEqual([expect.objectContaining({ tries: 2 })]);
    await vi.advanceTimersByTimeAsync(2500);
    stop();
    expect(pending()).toEqual([]);
    expect(localStorage.getItem(STORAGE_KEY)).toBeNull();
    expect(outcomes).toEqual([
      { ok: false, retry: true, message: 'offline' },
      { ok: false, retry: true, message: 'HTTP 503' },
      { ok: false, retry: false, message: 'Origin https://x.test is not allowed for this site' },
    ]);
    // Nothing is scheduled any more.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it(`gives up a submission unsent after ${MAX_AGE_MS / 864e5} days; one stored without createdAt gets its days from now`, async () => {
    const now = Date.now();
    const fresh = { ...item('77777777-7777-4777-8777-777777777777'), createdAt: now - MAX_AGE_MS + 60_000 };
    const stale = { ...item('88888888-8888-4888-8888-888888888888'), createdAt: now - MAX_AGE_MS - 1 };
    const { createdAt: _, ...legacy } = item('99999999-9999-4999-8999-999999999999');
    localStorage.setItem(STORAGE_KEY, JSON.stringify([fresh, stale, legacy]));
    expect(pending().map((p) => p.key)).toEqual([fresh.key, legacy.key]);
    const fetch = vi.fn().mockRejectedValue(new TypeError('offline'));
    vi.stubGlobal('fetch', fetch);
    await flush();
    expect(sentKeys(fetch).sort()).toEqual([fresh.key, legacy.key].sort());
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY)!) as Pending[];
    expect(stored.map((p) => p.key).sort()).toEqual([fresh.key, legacy.key].sort());
    expect(stored.find((p) => p.key == legacy.key)!.createdAt).toBeGreaterThanOrEqual(now);
    // A minute later the fresh one is past the limit too: dropped, never sent again.
    vi.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    fetch.mockClear();
    await flush();
    expect(sentKeys(fetch)).toEqual([legacy.key]);
    expect(pending().map((p) => p.key)).toEqual([legacy.key]);
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
