/** What the web team should do about a refusal, by its code. */
const FIXES: Record<string, string> = {
  UNAUTHENTICATED: "site-key must be the site's publishable key (pk_…)",
  FORBIDDEN: `add ${location.origin} to the site's allowedOrigins`,
  PERSISTED_QUERY_NOT_FOUND: 'load careloop.js from the server it sends to',
};

/** What this page was told already (exported for the tests). */
export const told = new Set<string>();

/**
 * A refusal, told once per page in the console for the web team (the person reads only that the
 * form cannot send): what the server said, its code, and what to change in the embed.
 */
export function tell(message: string, code: string): void {
  const line = `careloop: ${message} (${code}); ${FIXES[code] ?? "check the widget's attributes"}`;
  if (!told.has(line)) told.add(line), console.error(line);
}

