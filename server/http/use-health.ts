import type { Plugin } from 'graphql-yoga';
import { OUTAGE_RETRY_AFTER_SECONDS } from '../db/unavailable.ts';

const READY_TIMEOUT_MS = 900;

/**
 * /healthz answers while the process is up; /readyz only while the database answers, so a
 * load balancer stops sending traffic to an instance that lost its database.
 */
export function useHealth(ping: () => Promise<void>): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      // Every request passes here: the raw URL tells most of them apart without parsing it (a
      // path can only be /healthz or /readyz if the URL has that text).
      const raw = request.url;
      if (!raw.includes('/healthz') && !raw.includes('/readyz')) return;
      if (url.pathname === '/healthz') {
        endResponse(fetchAPI.Response.json({ status: 'ok' }));
      } else if (url.pathname === '/readyz') {
        // A cut connection can hang a ping (no answer, no reset): readiness answers within a second.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('ping timeout')), READY_TIMEOUT_MS);
        });
        return Promise.race([ping(), timeout]).then(
          () => endResponse(fetchAPI.Response.json({ status: 'ready' })),
          () =>
            endResponse(
              fetchAPI.Response.json(
                { status: 'database unreachable', extensions: { code: 'SERVICE_UNAVAILABLE' } },
                { status: 503, headers: { 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) } },
              ),
            ),
        ).finally(() => clearTimeout(timer));
      }
    },
  };
}
