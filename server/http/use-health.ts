import type { Plugin } from 'graphql-yoga';

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
        return ping().then(
          () => endResponse(fetchAPI.Response.json({ status: 'ready' })),
          () => endResponse(fetchAPI.Response.json({ status: 'database unreachable' }, { status: 503 })),
        );
      }
    },
  };
}
