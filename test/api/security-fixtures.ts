/**
 * Raw requests for the security-*.test.ts files: they need what test/helpers/api.ts does not
 * send (persisted-operation hashes, documentId, GET, oversized or streamed bodies, a client
 * address), so they build the request themselves and call yoga.fetch.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CareloopYoga } from '../../server/yoga.ts';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import type { TestSite } from '../helpers/api.ts';

export type Json = Record<string, any>;

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Json;
  ms: number;
}

export interface RawRequest {
  /** Defaults to POST with a JSON body. */
  method?: 'GET' | 'POST';
  body?: Json | string | ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
  /** The peer address yoga's node adapter would report for the socket. */
  ip?: string;
}

export async function send(yoga: CareloopYoga, { method = 'POST', body, headers = {}, ip }: RawRequest): Promise<RawResponse> {
  let url = 'http://careloop.test/graphql';
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers: { accept: 'application/json', ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...headers },
  };
  if (method === 'GET' && body && typeof body === 'object' && !(body instanceof ReadableStream)) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(body)) search.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    url += `?${search}`;
  } else if (body instanceof ReadableStream) {
    init.body = body;
    init.duplex = 'half';
  } else if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  // The third argument is the server context: what node:http gives yoga in production.
  const serverContext = ip ? { req: { socket: { remoteAddress: ip } } } : {};
  const started = performance.now();
  const response = await yoga.fetch(url, init, serverContext as never);
  const text = await response.text();
  const ms = performance.now() - started;
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {}, ms };
}

export const siteHeaders = (site: TestSite) => ({ 'x-careloop-site-key': site.publishableKey, origin: site.origin });

/** A body naming a widget operation by its hash, as the widgets send it. */
export function persistedBody(name: string, variables?: Json): Json {
  return { extensions: { persistedQuery: { version: 1, sha256Hash: persistedOperation(name).hash } }, variables };
}

export function checkInput(overrides: Json = {}): Json {
  return { subject: 'article:42', solved: true, idempotencyKey: randomUUID(), locale: 'en', ...overrides };
}

/** The first error's code, or undefined. */
export const codeOf = (response: RawResponse): string | undefined => response.body.errors?.[0]?.extensions?.code;

/**
 * Redis for the Redis store's tests: 127.0.0.1:6379 on this project's machines, or
 * TEST_REDIS_URL. Undefined (and a warning) when unreachable, so those tests are skipped
 * visibly rather than failing where no Redis runs.
 */
export async function connectTestRedis(): Promise<Redis | undefined> {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1_000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch {
    redis.disconnect();
    console.warn(`Redis at ${url} is unreachable: the Redis rate-limit tests are skipped`);
    return undefined;
  }
}
