import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { dataOf } from '../../helpers/api.ts';
import type { IsolationDomain } from '../../helpers/isolation.ts';
import { createdSurvey, customerToken, ok, surveyInput, surveysOf, texts, widgetOf } from '../surveys-fixtures.ts';

/** Org B uses the same key for its own survey: keys are per organization. */
const KEY = 'iso-survey';

export const domain: IsolationDomain = {
  name: 'surveys (definitions, public surveys, responses)',
  snapshotQuery: `{ surveys(first: 20) { totalCount edges { node {
    id key status kind defaultLocale titles thankYous updatedAt
    questions { key type required labels retired options { key labels retired } }
    responses { totalCount edges { node { id score locale answers { questionKey value } customer { id } } } } } } } }`,
  async setup(api) {
    const survey = await createdSurvey(api.asA, surveyInput(KEY, { kind: 'CSAT', title: texts({ en: 'A only survey' }) }));
    const draft = await createdSurvey(api.asA, surveyInput(`${KEY}-draft`, { status: 'DRAFT' }));
    const siteA = await api.createSite({ allowedOrigins: ['https://surveys-a.example'] });
    const idempotencyKey = randomUUID();
    ok(
      await widgetOf(api.withSite(siteA.publishableKey, siteA.origin)).submit(KEY, [{ questionKey: 'rating', value: 4 }, { questionKey: 'text', value: 'A only answer' }], {
        idempotencyKey,
        customerToken: await customerToken(siteA, 'iso-survey-customer'),
      }),
    );
    const siteB = await api.createSite({ as: api.asB, allowedOrigins: ['https://surveys-b.example'] });
    return {
      surveyId: survey.id,
      draftId: draft.id,
      idempotencyKey,
      bSitePk: siteB.publishableKey,
      bSiteOrigin: siteB.origin,
    };
  },
  queries: {
    async publicSurvey(api, a) {
      const widgetB = widgetOf(api.withSite(a.bSitePk, a.bSiteOrigin));
      // B may have its own survey under KEY (see createSurvey): never A's.
      expect([null, 'B survey']).toContain((await widgetB.survey(KEY, 'en'))?.title ?? null);
      expect(await widgetB.survey(`${KEY}-draft`, 'en')).toBeNull();
    },
    async surveys(api, a) {
      for (const filter of [{}, { status: 'ACTIVE' }, { status: 'DRAFT' }]) {
        const list = await surveysOf(api.asB).list({ first: 100, filter });
        const ids = list.edges.map((e: { node: { id: string } }) => e.node.id);
        expect(ids).not.toContain(a.surveyId);
        expect(ids).not.toContain(a.draftId);
        expect(list.totalCount).toBe(ids.length);
      }
    },
    async survey(api, a) {
      expect(await surveysOf(api.asB).get(a.surveyId)).toBeNull();
      expect(dataOf(await api.asB.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: a.surveyId })).node).toBeNull();
    },
  },
  mutations: {
    async submitSurveyResponse(api, a) {
      const widgetB = widgetOf(api.withSite(a.bSitePk, a.bSiteOrigin));
      for (const key of [KEY, `${KEY}-draft`]) {
        // Even A's idempotency key names nothing of A's from B's site.
        const result = await widgetB.submit(key, [{ questionKey: 'rating', value: 1 }], { idempotencyKey: a.idempotencyKey });
        expect(result.__typename).toBe('NotFoundError');
        expect(JSON.stringify(result)).not.toContain('A only');
      }
    },
    async createSurvey(api, a) {
      const created = ok(await surveysOf(api.asB).create(surveyInput(KEY, { title: texts({ en: 'B survey' }) })));
      expect(created.key).toBe(KEY);
      // B's site now sees B's survey under that key, never A's.
      const widgetB = widgetOf(api.withSite(a.bSitePk, a.bSiteOrigin));
      expect((await widgetB.survey(KEY))?.title).toBe('B survey');
    },
    async updateSurvey(api, a) {
      for (const id of [a.surveyId, a.draftId]) {
        const result = await surveysOf(api.asB).update(id, { title: texts({ en: 'pwned' }), status: 'ARCHIVED' });
        expect(result.__typename).toBe('NotFoundError');
      }
    },
    async archiveSurvey(api, a) {
      expect((await surveysOf(api.asB).archive(a.surveyId)).__typename).toBe('NotFoundError');
    },
  },
};

