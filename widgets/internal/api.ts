/**
 * The hashes of the operations this page's elements send, by name: each element's chunk adds its
 * own (`useOperations`, from ./operations.ts), and a queued submission carries its hash, so a page
 * sends what another element left in the queue without shipping every element's hashes.
 */
export const operationHashes: Record<string, string> = {};
export const useOperations = (hashes: Record<string, string>): void => void Object.assign(operationHashes, hashes);

export type OperationName =
  | 'PublicSurvey'
  | 'SubmitSurveyResponse'
  | 'SubmitResolutionCheck'
  | 'FileComplaint'
  | 'ComplaintStatus'
  | 'ReplyToComplaint'
  | 'ConfirmComplaintResolution';

/**
 * What became of one request: done; failed for now (`retry`: worth queueing and sending again);
 * or refused for good, which no retry changes. `typed`: the refusal is the operation's own typed
 * error (a ValidationError naming what to correct), not one of the embed (site key, origin,
 * operation), of which the person can only be told that the form cannot send.
 */
export type Outcome = { ok: true; data: any } | { ok: false; retry: boolean; message: string; typed?: boolean };

/** The server's own word for a passing failure, whatever the HTTP status says. */
const TRANSIENT = /^(RATE_LIMITED|SERVICE_UNAVAILABLE|INTERNAL_SERVER_ERROR)$/;

/**
 * A refusal, told once per page in the console for the web team (./tell.ts): fetched only when
 * an embed is wrong, so a page whose embed is right never loads the fixes' texts (200 B).
 */
const tell = (message: string, code: string) => void import('./tell.ts').then((told) => told.tell(message, code));

/** The GraphQL endpoint: `endpoint` (an origin or the endpoint's URL) or the origin of `base`. */
export function graphqlUrl(endpoint: string | undefined, base: string): string {
  const url = new URL(endpoint || base, base);
  if (!endpoint || !url.pathname.endsWith('/graphql')) url.pathname = '/graphql';
  url.search = url.hash = '';
  return url.href;
}

/**
 * One persisted operation, sent by hash with the site key. Transient, worth retrying: no answer
 * (the network), 408, 429, 5xx, RATE_LIMITED / SERVICE_UNAVAILABLE / INTERNAL_SERVER_ERROR, or
 * a success status with no GraphQL answer (a captive portal's page). Anything else the server
 * refused (site key, origin, unknown operation, invalid input, conflict) is final.
 */
export async function callOperation(
  url: string,
  siteKey: string,
  operation: OperationName,
  variables: Record<string, unknown>,
  keepalive = false,
): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      // keepalive lets a send started just before the page goes away still reach the server.
      keepalive,
      headers: { 'content-type': 'application/json', 'x-careloop-site-key': siteKey },
      body: JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: operationHashes[operation] } } }),
    });
  } catch (error) {
    return { ok: false, retry: true, message: String((error as Error)?.message ?? error) };
  }
  const status = response.status;
  let body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: { code?: string } }[] } = {};
  try {
    body = await response.json();
  } catch {}
  const value = body.data ? Object.values(body.data)[0] : undefined;
  const error = value ? undefined : body.errors?.[0];
  const message = error?.message ?? `HTTP ${status}`;
  const code = error?.extensions?.code ?? `HTTP ${status}`;
  if (status == 408 || status == 429 || status > 499 || TRANSIENT.test(code) || !(error || body.data || status > 399)) {
    return { ok: false, retry: true, message };
  }
  if (error || status > 399) {
    tell(message, code);
    return { ok: false, retry: false, message };
  }
  if (/Error$/.test(value?.__typename)) {
    const issues = (value.issues ?? []) as { path: string[]; message: string }[];
    tell(`${operation}: ${issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ') || value.message}`, value.__typename);
    return { ok: false, retry: false, typed: true, message: issues.map((i) => i.message).join(' ') || value.message };
  }
  return { ok: true, data: value?.data ?? value ?? null };
}
