import manifest from '../persisted-operations.json' with { type: 'json' };

/**
 * The widget operations by name → sha256 hash. The build (widgets/vite.config.ts) cuts each
 * document in the manifest down to its name, so the bundle carries hashes, not documents.
 */
export const operationHashes: Record<string, string> = {};
for (const [hash, document] of Object.entries(manifest as Record<string, string>)) {
  operationHashes[/^(?:\w+ )?(\w+)/.exec(document)![1]!] = hash;
}

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

/** What the web team should do about a refusal, by its code. */
const FIXES: Record<string, string> = {
  UNAUTHENTICATED: "site-key must be the site's publishable key (pk_…)",
  FORBIDDEN: `add ${location.origin} to the site's allowedOrigins`,
  PERSISTED_QUERY_NOT_FOUND: 'load careloop.js from the server it sends to',
};

const told = new Set<string>();

/**
 * A refusal, told once per page in the console for the web team (the person reads only that the
 * form cannot send): what the server said, its code, and what to change in the embed.
 */
function tell(message: string, code: string): void {
  const line = `careloop: ${message} (${code}); ${FIXES[code] ?? "check the widget's attributes"}`;
  if (!told.has(line)) told.add(line), console.error(line);
}

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
