import type { Plugin } from 'graphql-yoga';

/**
 * /healthz answers while the process is up; /readyz only while the database answers, so a
 * load balancer stops sending traffic to an instance that lost its database.
 */
export function useHealth(ping: () => Promise<void>): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/healthz') {
        endResponse(fetchAPI.Response.json({ status: 'ok' }));
      } else if (url.pathname === '/readyz') {
        try {
          await ping();
          endResponse(fetchAPI.Response.json({ status: 'ready' }));
        } catch {
          endResponse(fetchAPI.Response.json({ status: 'database unreachable' }, { status: 503 }));
        }
      }
    },
  };
}
