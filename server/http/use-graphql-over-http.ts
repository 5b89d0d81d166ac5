import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, processRegularResult, type Plugin } from 'graphql-yoga';

/** The media types of a (non-streamed) GraphQL response, as the GraphQL-over-HTTP spec names them. */
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
export const APPLICATION_JSON = 'application/json';
const RESPONSE_TYPES = [GRAPHQL_RESPONSE_JSON, APPLICATION_JSON] as const;
type ResponseType = (typeof RESPONSE_TYPES)[number];

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
  /** Its place in the header: the earlier of two equal choices wins. */
  order: number;
}

/** The media ranges of an Accept header (RFC 9110 §12.5.1); a missing header accepts anything. */
export function parseAccept(header: string | null): MediaRange[] {
  const ranges: MediaRange[] = [];
  (header ?? '*/*').split(',').forEach((part, order) => {
    const [range = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const [type, subtype] = range.split('/');
    if (!type || !subtype) return;
    let q = 1;
    let utf8 = true;
    for (const param of params) {
      const [name, value = ''] = param.split('=').map((piece) => piece.trim());
      if (name === 'q') {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(1, Math.max(0, parsed)) : 1;
      } else if (name === 'charset') {
        utf8 = value.replace(/"/g, '') === 'utf-8';
      }
    }
    // Answers are UTF-8 only: a range asking for another charset does not match them.
    if (utf8) ranges.push({ type, subtype, q, order });
  });
  return ranges;
}

/**
 * The q-value the header gives `mediaType`: that of its most specific matching range (`a/b`
 * over `a/*` over `*\/*`), 0 when none matches.
 */
function weigh(ranges: MediaRange[], mediaType: string): { q: number; specificity: number; order: number } {
  const [type, subtype] = mediaType.split('/');
  let best = { q: 0, specificity: 0, order: Infinity };
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype ? 3 : range.type === type && range.subtype === '*' ? 2 : range.type === '*' && range.subtype === '*' ? 1 : 0;
    if (specificity > best.specificity) best = { q: range.q, specificity, order: range.order };
  }
  return best;
}

/** What yoga can answer a request with, in the order preferred between equals named by a wildcard. */
const ANSWERABLE = [APPLICATION_JSON, GRAPHQL_RESPONSE_JSON, 'text/event-stream', 'multipart/mixed'] as const;
type Answerable = (typeof ANSWERABLE)[number];

/**
 * Which media type to answer with, honouring q-values: the higher q wins; between equals, the
 * one named more specifically, then the one named first; when only a wildcard names them (no
 * Accept header, `*\/*`, `application/*`), application/json, which every client reads.
 * undefined when the header accepts none of them (a q of 0 refuses a type).
 */
export function negotiateResponseType(accept: string | null): Answerable | undefined {
  const ranges = parseAccept(accept);
  const [best] = ANSWERABLE.map((mediaType, preference) => ({ mediaType, preference, ...weigh(ranges, mediaType) })).sort(
    (a, b) => b.q - a.q || b.specificity - a.specificity || a.order - b.order || a.preference - b.preference,
  );
  return best && best.q > 0 ? best.mediaType : undefined;
}

const isResponseType = (mediaType: string | undefined): mediaType is ResponseType => (RESPONSE_TYPES as readonly string[]).includes(mediaType ?? '');

type ResultProcessor = Parameters<Parameters<NonNullable<Plugin['onResultProcess']>>[0]['setResultProcessor']>[0];

const notAcceptable: ResultProcessor = (_result, fetchAPI) =>
  new fetchAPI.Response(null, {
    status: 406,
    statusText: 'Not Acceptable',
    headers: { accept: RESPONSE_TYPES.map((type) => `${type}; charset=utf-8`).join(', ') },
  });

const httpOf = (error: GraphQLError) => error.extensions?.http as { status?: number; spec?: boolean; headers?: Record<string, string> } | undefined;

/**
 * Status codes and content negotiation by the GraphQL-over-HTTP spec, for both response types:
 *
 * - `Accept` q-values are honoured (yoga takes the first type named and ignores q, so
 *   `application/graphql-response+json;q=0.1, application/json` got graphql-response+json, and
 *   `application/json;q=0` got JSON instead of 406).
 * - A request whose variables do not coerce (or that names an operation the document lacks)
 *   does not execute: its answer has no `data`. graphql-tools' executor marks those errors 400
 *   but not as a GraphQL request error (`http.spec`), so yoga answered 400 even under
 *   application/json, where the spec wants 200 for every well-formed request; under
 *   graphql-response+json it stays 400 (the spec: no `data`, 4xx).
 * - An answer with `data` that is not null must be 2xx under graphql-response+json (and is 200
 *   under application/json): a 4xx that a refused field carries (UNAUTHENTICATED on one
 *   nullable field beside fields that resolved) does not make the whole answer a 401. A 5xx
 *   (the database lost) still does: the client is to retry.
 */
export function useGraphQLOverHttp(): Plugin {
  return {
    onExecutionResult({ result, context }) {
      if (!result || isAsyncIterable(result)) return;
      // An operationName that is not a string makes the request malformed (400 under both
      // types); one that names no operation of the document is a GraphQL request error.
      const operationName: unknown = context.params?.operationName;
      const wellFormed = operationName == null || typeof operationName === 'string';
      for (const single of (Array.isArray(result) ? result : [result]) as ExecutionResult[]) {
        const hasData = 'data' in single && single.data != null;
        for (const error of single.errors ?? []) {
          const http = httpOf(error);
          if (!http?.status) continue;
          if (!('data' in single) && wellFormed && http.status === 400 && http.spec == null) http.spec = true;
          else if (hasData && http.status >= 400 && http.status < 500) delete http.status;
        }
      }
    },
    onResultProcess({ request, result, setResultProcessor }) {
      if (isAsyncIterable(result)) return;
      const chosen = negotiateResponseType(request.headers.get('accept'));
      if (isResponseType(chosen)) setResultProcessor(processRegularResult, chosen);
      // A stream (SSE, multipart) preferred: yoga's own choice among those stands.
      else if (!chosen) setResultProcessor(notAcceptable, APPLICATION_JSON);
    },
  };
}
