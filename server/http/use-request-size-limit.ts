import { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** No widget or console request comes near this; a 1 MB query is an attack, not a query. */
export const MAX_REQUEST_BYTES = 64 * 1024;

const tooLarge = (limit: number) =>
  new GraphQLError(`Request too large: the limit is ${limit} bytes`, {
    extensions: { code: 'REQUEST_TOO_LARGE', limit, http: { status: 413 } },
  });

/** As yoga's own guard answers it (that guard is off: this one is stricter). */
const invalidContentLength = () =>
  new GraphQLError('Content-Length header is invalid.', {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });

type FetchAPI = { Request: typeof Request; TransformStream: typeof TransformStream };

/**
 * Refuses a request over `limit` bytes with HTTP 413 before anything parses it: by its
 * Content-Length when it states one, and by counting the body as it is read (a chunked body
 * states none, and outside node:http a Content-Length can understate). A GET carries its document in the URL, so
 * the URL counts too. It replaces yoga's own 25 MB guard (createCareloopYoga turns that off),
 * including its answer to a malformed Content-Length (400).
 *
 * Kept hand-written, measured: yoga's `maxRequestBodySize: 65536` in its place cost ×1.825 the
 * server CPU per request on the submission hot path (`npm run bench:ab`, 12 paired slices, every
 * slice ×1.2 or more; req/s ×0.76; again ×1.832 over 10 slices), because yoga pipes every body through a TransformStream
 * while this reads node:http bodies directly and counts only chunked ones. Yoga's also answers
 * REQUEST_ENTITY_TOO_LARGE without the limit, and does not count a GET's URL.
 */
export function useRequestSizeLimit(limit: number = MAX_REQUEST_BYTES): Plugin {
  return {
    onRequestParse({ request, url, serverContext, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        // Only one non-negative integer is a Content-Length (a list of them is a smuggling attempt).
        if (!/^\d+$/.test(declared)) throw invalidContentLength();
        if (Number(declared) > limit) throw tooLarge(limit);
      }
      // The search part is never longer than the whole URL: most requests skip parsing it.
      if (request.url.length > limit && url.search.length > limit) throw tooLarge(limit);
      if (!requestParser || request.method === 'GET' || request.method === 'HEAD') return;
      const parse = requestParser;
      const incoming = nodeBodyOf(request, serverContext);
      if (incoming) {
        // node:http reads exactly Content-Length bytes as the body (checked above), so only a
        // chunked body is counted; the adapter then reads the others its own (fastest) way.
        if (declared !== null && incoming.headers['transfer-encoding'] === undefined) return;
        setRequestParser((original) =>
          readCounted(incoming, limit).then((body) =>
            parse(
              new fetchAPI.Request(original.url, {
                method: original.method,
                headers: original.headers,
                signal: original.signal,
                // A Buffer: the adapter's body reader takes it as it is.
                body: body as Uint8Array<ArrayBuffer>,
              }),
            ),
          ),
        );
      } else if (request.body) {
        setRequestParser((original) => parse(withCountedBody(original, limit, fetchAPI)));
      }
    },
  };
}

/**
 * The node:http request a request from yoga's node adapter reads its body from, when nothing has
 * read it yet. Reading it directly (as the adapter's own body reader does) costs far less than
 * piping it through a web TransformStream; any other request takes the stream path below.
 */
function nodeBodyOf(request: Request, serverContext: unknown): IncomingMessage | undefined {
  const incoming = (serverContext as { req?: unknown } | undefined)?.req;
  if (!(incoming instanceof IncomingMessage)) return undefined;
  // @whatwg-node/node-fetch keeps the body it was made from as bodyInit.
  if ((request as Request & { bodyInit?: unknown }).bodyInit !== incoming) return undefined;
  if (incoming.readableFlowing !== null || incoming.readableEnded || incoming.destroyed) return undefined;
  return incoming;
}

/** The whole body, or a 413 as soon as more than `limit` bytes arrive (the rest is drained, not kept). */
function readCounted(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const done = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) {
        chunks.push(chunk);
        return;
      }
      done();
      // Still flowing without a listener: what else arrives is dropped. Destroying the request
      // would close the socket before the 413 is sent.
      incoming.resume();
      reject(tooLarge(limit));
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => {
      done();
      reject(new Error('the request was closed before its body arrived'));
    };
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('error', onError);
    incoming.once('close', onClose);
  });
}

function withCountedBody(request: Request, limit: number, fetchAPI: FetchAPI): Request {
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
