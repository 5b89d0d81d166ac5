import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { dataOf } from '../../helpers/api.ts';
import type { IsolationDomain } from '../../helpers/isolation.ts';
import { check, customerToken, feedbackCount, feedbackItem, listFeedback, ok, submit, submitRaw } from '../feedback-fixtures.ts';

const SUBJECT = 'article:iso-a';

export const domain: IsolationDomain = {
  name: 'feedback (resolution checks and reads)',
  snapshotQuery: `{ feedback(first: 100) { totalCount edges { node {
    id kind subject solved reason comment agentRating siteId locale context { agentId } customer { id externalId name } } } } }`,
  async setup(api) {
    const siteA = await api.createSite({ allowedOrigins: ['https://feedback-a.example'] });
    const idempotencyKey = randomUUID();
    const receipt = ok(
      await submit(
        api.withSite(siteA.publishableKey, siteA.origin),
        check({
          subject: SUBJECT,
          solved: false,
          reason: 'INCOMPLETE',
          comment: 'A only',
          idempotencyKey,
          customerToken: await customerToken(siteA, { sub: 'iso-ext', name: 'A person' }),
        }),
      ),
    );
    const item = (await feedbackItem(api.asA, receipt.feedbackId))!;
    const siteB = await api.createSite({ as: api.asB, allowedOrigins: ['https://feedback-b.example'] });
    return {
      feedbackId: receipt.feedbackId,
      customerId: item.customer.id,
      siteId: siteA.id,
      sitePk: siteA.publishableKey,
      siteOrigin: siteA.origin,
      idempotencyKey,
      bSitePk: siteB.publishableKey,
      bSiteOrigin: siteB.origin,
      bSecret: siteB.identitySecret,
    };
  },
  queries: {
    async feedback(api, a) {
      for (const filter of [{}, { subject: SUBJECT }, { customerId: a.customerId }, { siteId: a.siteId }, { solved: false }, { kind: 'RESOLUTION_CHECK' }]) {
        const list = await listFeedback(api.asB, { filter });
        const ids = list.edges.map((edge) => edge.node.id);
        expect(ids).not.toContain(a.feedbackId);
        expect(list.totalCount).toBe(ids.length);
        expect(JSON.stringify(list)).not.toContain('A only');
      }
    },
    async feedbackItem(api, a) {
      expect(await feedbackItem(api.asB, a.feedbackId)).toBeNull();
      expect(dataOf(await api.asB.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: a.feedbackId })).node).toBeNull();
    },
  },
  mutations: {
    async submitResolutionCheck(api, a) {
      const bWidget = api.withSite(a.bSitePk, a.bSiteOrigin);
      const before = await feedbackCount(api.asB);
      // A's idempotency key and A's customer's externalId, sent with B's site key: B's own row
      // and B's own customer stub, never a replay of A's row or a link to A's customer.
      const input = check({
        subject: SUBJECT,
        idempotencyKey: a.idempotencyKey,
        customerToken: await customerToken({ identitySecret: a.bSecret }, { sub: 'iso-ext' }),
      });
      const receipt = ok(await submit(bWidget, input));
      expect(receipt.feedbackId).not.toBe(a.feedbackId);
      const stored = (await feedbackItem(api.asB, receipt.feedbackId))!;
      expect(stored.customer.externalId).toBe('iso-ext');
      expect(stored.customer.id).not.toBe(a.customerId);
      expect(await feedbackItem(api.asA, receipt.feedbackId)).toBeNull();
      expect(await feedbackCount(api.asB)).toBe(before + 1);

      // A token signed with B's secret does not identify anyone on A's site.
      const forged = await submit(api.withSite(a.sitePk, a.siteOrigin), {
        ...input,
        idempotencyKey: randomUUID(),
        customerToken: await customerToken({ identitySecret: a.bSecret }, { sub: 'iso-ext' }),
      });
      expect(forged.__typename).toBe('ValidationError');

      // B's key from A's origin is refused before anything runs.
      const wrongOrigin = await submitRaw(api.withSite(a.bSitePk, a.siteOrigin), check());
      expect(wrongOrigin.status).toBe(403);
      // An API key (org B's) is not a widget: it cannot file into anyone's site.
      const asKey = await submitRaw(api.asB, check());
      expect(asKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await feedbackCount(api.asB)).toBe(before + 1);
    },
  },
};
