/**
 * Shared documents and helpers for the feedback-*.test.ts files: a widget submitting resolution
 * checks through the real API (site key + Origin), customer tokens signed as a company's backend
 * would, and the private reads with an API key.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { dataOf, type Caller, type TestSite } from '../helpers/api.ts';

export type Json = Record<string, any>;

/**
 * The widget's own operation from widgets/persisted-operations.json: a site key may run nothing
 * else, so the tests send exactly what <careloop-did-this-solve> sends.
 */
export const SUBMIT_CHECK = persistedOperation('SubmitResolutionCheck').document;

export const FEEDBACK_FIELDS = `id kind subject solved reason comment agentRating score locale createdAt siteId
  answers { questionKey value }
  context { pageUrl subject agentId touchpointId complaintReference }
  customer { id externalId name }
  survey { id key }`;

/** A minimal valid resolution check; override any field. */
export const check = (overrides: Json = {}): Json => ({
  subject: 'https://shop.example.com/help/returns',
  solved: true,
  idempotencyKey: randomUUID(),
  ...overrides,
});

/** Submits as a widget; returns the raw response so transport-level refusals can be checked. */
export function submitRaw(widget: Caller, input: Json) {
  return widget.gql(SUBMIT_CHECK, { input });
}

/** Submits as a widget and returns the result union member. */
export async function submit(widget: Caller, input: Json): Promise<Json> {
  return dataOf(await submitRaw(widget, input)).submitResolutionCheck;
}

export function ok(result: Json): { feedbackId: string; receivedAt: string } {
  expect(result.__typename, JSON.stringify(result)).toBe('MutationSubmitResolutionCheckSuccess');
  return result.data;
}

export function issuePaths(result: Json): string[] {
  expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
  return result.issues.map((issue: { path: string[] }) => issue.path.join('.'));
}

/** A customer token as the company's backend signs it: HS256 with the site's identity secret. */
export async function customerToken(
  site: Pick<TestSite, 'identitySecret'>,
  claims: Json = {},
  { expiresIn = '1h', secret = site.identitySecret, omitSub = false }: { expiresIn?: string | number; secret?: string; omitSub?: boolean } = {},
): Promise<string> {
  const { sub = 'ext-1', ...rest } = claims;
  let jwt = new SignJWT(rest).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresIn);
  if (!omitSub) jwt = jwt.setSubject(sub);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** An unsigned token (alg "none"): must never identify anyone. */
export function unsignedToken(sub: string): string {
  const part = (value: Json) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub, exp: Math.floor(Date.now() / 1000) + 600 })}.`;
}

/** How many feedback rows org (of `caller`) holds, read with its API key. */
export async function feedbackCount(caller: Caller, filter: Json = {}): Promise<number> {
  const data = dataOf(
    await caller.gql(`query($filter: FeedbackFilter) { feedback(first: 1, filter: $filter) { totalCount } }`, { filter }),
  );
  return data.feedback.totalCount;
}

export async function listFeedback(caller: Caller, args: Json = {}): Promise<{ totalCount: number; pageInfo: Json; edges: { node: Json }[] }> {
  const query = `query($first: Int, $after: String, $filter: FeedbackFilter) {
    feedback(first: $first, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { ${FEEDBACK_FIELDS} } } } }`;
  return dataOf(await caller.gql(query, { first: 100, ...args })).feedback;
}

export async function feedbackItem(caller: Caller, id: string): Promise<Json | null> {
  return dataOf(await caller.gql(`query($id: ID!) { feedbackItem(id: $id) { ${FEEDBACK_FIELDS} } }`, { id })).feedbackItem;
}
