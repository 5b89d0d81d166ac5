import manifest from '../persisted-operations.json' with { type: 'json' };

/**
 * The widget operations by name → sha256 hash. The build (widgets/vite.config.ts) cuts each
 * document in the manifest down to its first words, so the bundle carries hashes, not documents.
 */
export const operationHashes: Record<string, string> = {};
for (const [hash, document] of Object.entries(manifest as Record<string, string>)) {
  operationHashes[/^\w+ (\w+)/.exec(document)![1]!] = hash;
}

export type OperationName = 'PublicSurvey' | 'SubmitSurveyResponse' | 'SubmitResolutionCheck' | 'FileComplaint' | 'ComplaintStatus';

/** What became of one request: done, or failed for good (a refusal), or failed for now (retry). */
export type Outcome = { ok: true; data: any } | { ok: false; retry: boolean; message: string };

/** The GraphQL endpoint: `endpoint` (an origin or the endpoint's URL) or the origin of `base`. */
export function graphqlUrl(endpoint: string | undefined, base: string): string {
  const url = new URL(endpoint || base, base);
  if (!endpoint || !url.pathname.endsWith('/graphql')) url.pathname = '/graphql';
  url.search = url.hash = '';
  return url.href;
}

/**
 * One persisted operation, sent by hash with the site key. Network failures, 429 and 5xx are
 * worth retrying; anything the server refused (origin, validation, conflict) is not.
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
  const retry = response.status == 429 || response.status >= 500;
  let body: { data?: Record<string, any> | null; errors?: { message: string }[] };
  try {
    body = await response.json();
  } catch {
    return { ok: false, retry, message: `HTTP ${response.status}` };
  }
  const value = body.data ? Object.values(body.data)[0] : undefined;
  if (body.errors?.length && !value) return { ok: false, retry, message: body.errors[0]!.message };
  if (/Error$/.test(value?.__typename)) {
    const issues = (value.issues ?? []) as { message: string }[];
    return { ok: false, retry: false, message: issues.map((i) => i.message).join(' ') || value.message };
  }
  return { ok: true, data: value?.data ?? value ?? null };
}
