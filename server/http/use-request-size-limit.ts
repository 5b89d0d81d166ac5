import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** No widget or console request comes near this; a 1 MB query is an attack, not a query. */
export const MAX_REQUEST_BYTES = 64 * 1024;

const tooLarge = (limit: number) =>
  new GraphQLError(`Request too large: the limit is ${limit} bytes`, {
    extensions: { code: 'REQUEST_TOO_LARGE', limit, http: { status: 413 } },
  });

/**
 * Refuses a request over `limit` bytes with HTTP 413 before anything parses it: by its
 * Content-Length when it states one, and by counting the body as it streams in (a chunked body
 * states none, and a Content-Length can understate). A GET carries its document in the URL, so
 * the URL counts too. Yoga's own 25 MB guard still runs after this one.
 */
export function useRequestSizeLimit(limit: number = MAX_REQUEST_BYTES): Plugin {
  return {
    onRequestParse({ request, url, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      // A malformed Content-Length is left to yoga's guard, which answers 400.
      if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) throw tooLarge(limit);
      if (url.search.length > limit) throw tooLarge(limit);
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((original) => parse(withCountedBody(original, limit, fetchAPI)));
    },
  };
}

function withCountedBody(request: Request, limit: number, fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream }): Request {
  let bytes = 0;
  // As in yoga's guard: a native stream must be piped through the native TransformStream.
  const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  const counted = request.body!.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > limit) controller.error(tooLarge(limit));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: counted,
    // @ts-expect-error duplex is required for a streamed body but missing from the DOM types
    duplex: 'half',
  });
}
