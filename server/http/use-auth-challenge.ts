import type { Plugin } from 'graphql-yoga';
import { SITE_KEY_HEADER } from '../auth/caller.ts';

/** The realm of every challenge: one protection space, the API. */
export const AUTH_REALM = 'careloop';

/**
 * The challenge a 401 answer carries (RFC 9110 §11.6.1 requires one; RFC 6750 defines Bearer's):
 * the scheme and realm, and why the credentials sent were refused: `invalid_token` for an API
 * key that is malformed, unknown or revoked, `invalid_request` for an API key and a site key
 * sent together. A request that sent none (or only a site key) gets the bare challenge.
 */
export function authChallenge(request: Request): string {
  const challenge = `Bearer realm="${AUTH_REALM}"`;
  if (!request.headers.has('authorization')) return challenge;
  return `${challenge}, error="${request.headers.has(SITE_KEY_HEADER) ? 'invalid_request' : 'invalid_token'}"`;
}

/**
 * Adds `WWW-Authenticate: Bearer …` to every 401 answer, whichever part of the server refused
 * the request: the caller lookup before parsing (a bad Authorization header or site key), or
 * scope-auth on a field that needs an API key.
 */
export function useAuthChallenge(): Plugin {
  return {
    onResponse({ request, response }) {
      if (response.status === 401 && !response.headers.has('www-authenticate')) {
        response.headers.set('www-authenticate', authChallenge(request));
      }
    },
  };
}
