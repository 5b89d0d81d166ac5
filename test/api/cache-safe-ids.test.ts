/**
 * Cache-safe ids (issue 9). A normalizing client cache (Apollo's InMemoryCache, urql's
 * graphcache: `__typename:id`; Relay: `id` alone) takes an `id` for the identity of one object.
 * Survey questions and options used to have their per-survey slug as `id`, so two surveys that
 * share the slug `satisfaction` became one cached object and one survey showed the other's
 * labels. Now no `id` is anything but unique, and the slugs are `key`.
 *
 * The cache here is @urql/exchange-graphcache with its default keys (`id`, then `_id`), through
 * the real API: the widget's persisted PublicSurvey with a site key, and a survey read with an
 * API key. Each client also runs once keyed by the slug (as `id` was), which must mix the two
 * surveys up: so the test can tell a cache that normalizes from one that only never shares.
 */
import { cacheExchange, type KeyingConfig } from '@urql/exchange-graphcache';
import { Client, fetchExchange, gql } from '@urql/core';
import { isInterfaceType, isObjectType, printSchema, type GraphQLInterfaceType, type GraphQLObjectType } from 'graphql';
import { describe, expect } from 'vitest';
import { persistedOperation } from '../../server/http/persisted-operations.ts';
import { schema } from '../../server/schema.ts';
import type { TestApi, TestSite } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { createdSurvey, texts, type Json } from './surveys-fixtures.ts';

/**
 * Object types whose `id` is the UUID of their own row: unique in their table, and, as random
 * UUIDs, across tables too (a message's and a recovery action's id is the messageId or
 * recoveryActionId their event carries). Every other `id` is a Node's global id, which names its type.
 */
const ROW_UUID_IDS = ['ComplaintMessage', 'ComplaintRecoveryAction', 'DomainEvent', 'Job', 'Organization', 'Purchase'];

describe('the schema', () => {
  it('has no `id` field but a Node’s global id or a row’s own UUID', () => {
    const types = Object.values(schema.getTypeMap()).filter(
      (type): type is GraphQLObjectType | GraphQLInterfaceType => (isObjectType(type) || isInterfaceType(type)) && !type.name.startsWith('__'),
    );
    const offenders = types.flatMap((type) => {
      const field = type.getFields().id;
      if (!field) return [];
      const node = type.name === 'Node' || type.getInterfaces().some((i) => i.name === 'Node');
      const problems = [];
      if (String(field.type) !== 'ID!') problems.push(`${type.name}.id is ${String(field.type)}, not ID!`);
      if (!node && !ROW_UUID_IDS.includes(type.name)) problems.push(`${type.name}.id is neither a Node's global id nor a row's UUID`);
      return problems;
    });
    expect(offenders).toEqual([]);
    // The types that had a slug or another type's id as `id` now have keys and references.
    const fields = (name: string) => (schema.getType(name) as GraphQLObjectType).getFields();
    for (const name of ['PublicQuestion', 'PublicOption', 'SurveyQuestion', 'SurveyOption']) expect(Object.keys(fields(name))).toContain('key');
    expect(Object.keys(fields('FeedbackReceipt'))).toEqual(['feedbackId', 'receivedAt']);
    expect(String(fields('FeedbackReceipt').feedbackId!.type)).toBe('ID!');
    expect(printSchema(schema)).not.toMatch(/\bquestionId\b/);
  });
});

const surveyIds: Record<string, string> = {};

/** Two active surveys with the same question and option keys, and nothing else alike. */
const SURVEYS = {
  'cache-shop': { title: 'The shop', question: 'How was the shop?', web: 'Our website', phone: 'Our hotline' },
  'cache-repair': { title: 'The repair', question: 'How was the repair?', web: 'The repair portal', phone: 'The workshop' },
};

// The file's API and site (test/helpers/fixtures.ts), the site made first, as before.
it.beforeAll(async ({ api, site: _ }) => {
  for (const [key, t] of Object.entries(SURVEYS)) {
    const survey = await createdSurvey(api.asA, {
      key,
      kind: 'CSAT',
      status: 'ACTIVE',
      title: texts({ en: t.title }),
      questions: [
        { key: 'satisfaction', type: 'RATING', required: true, labels: texts({ en: t.question }) },
        {
          key: 'channel',
          type: 'SINGLE_CHOICE',
          labels: texts({ en: 'How did you reach us?' }),
          options: [
            { key: 'web', labels: texts({ en: t.web }) },
            { key: 'phone', labels: texts({ en: t.phone }) },
          ],
        },
      ],
    });
    surveyIds[key] = survey.id;
  }
});

type Fetch = (url: string, init: RequestInit) => Response | Promise<Response>;

/**
 * A urql client over the test server with graphcache. `keys` as the app would configure them
 * (none: graphcache's defaults). Warnings go to `warnings`, not the console.
 */
function cachedClient(fetch: Fetch, keys: KeyingConfig = {}) {
  const warnings: string[] = [];
  const client = new Client({
    url: 'http://careloop.test/graphql',
    preferGetMethod: false,
    fetch: fetch as typeof globalThis.fetch,
    exchanges: [cacheExchange({ keys, logger: (_level, message) => warnings.push(message) }), fetchExchange],
  });
  return { client, warnings };
}

/** As a widget: the site key, the site's Origin, and the operation sent by its persisted hash. */
const widgetFetch = (api: TestApi, site: TestSite): Fetch => (url, init) => {
  const { operationName, variables } = JSON.parse(String(init.body));
  const { hash } = persistedOperation(operationName);
  return api.yoga.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-careloop-site-key': site.publishableKey, origin: site.origin },
    body: JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
  });
};

/** As the company's own console: its API key, any document. */
const consoleFetch = (api: TestApi): Fetch => (url, init) =>
  api.yoga.fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${api.orgA.key}` } });

/** What a person sees of a survey: its question and option labels. */
const labels = (survey: Json) => ({
  title: survey.title,
  question: survey.questions[0].label,
  options: survey.questions[1].options.map((o: Json) => `${o.key}: ${o.label}`),
});
const expected = (key: keyof typeof SURVEYS) => {
  const t = SURVEYS[key];
  return { title: t.title, question: t.question, options: [`web: ${t.web}`, `phone: ${t.phone}`] };
};

/**
 * Loads both surveys through one cached client (from the network), then reads each back from
 * the cache alone: what a page that shows both, or goes back to the first, renders.
 */
async function loadBoth(client: Client, load: (key: string, policy: 'network-only' | 'cache-only') => Promise<Json | null | undefined>) {
  const fresh = { shop: await load('cache-shop', 'network-only'), repair: await load('cache-repair', 'network-only') };
  expect(fresh.shop && labels(fresh.shop)).toEqual(expected('cache-shop'));
  expect(fresh.repair && labels(fresh.repair)).toEqual(expected('cache-repair'));
  const cached = { shop: await load('cache-shop', 'cache-only'), repair: await load('cache-repair', 'cache-only') };
  expect(cached.shop, 'read back from the cache').toBeTruthy();
  return { shop: labels(cached.shop!), repair: labels(cached.repair!) };
}

describe('two surveys that share question and option keys, through a normalizing cache (urql graphcache)', () => {
  const PUBLIC_SURVEY = gql(persistedOperation('PublicSurvey').document);
  const publicLoader = (client: Client) => async (key: string, policy: 'network-only' | 'cache-only') => {
    const result = await client.query(PUBLIC_SURVEY, { key, locale: 'en' }, { requestPolicy: policy }).toPromise();
    expect(result.error).toBeUndefined();
    return result.data?.publicSurvey;
  };

  it('the widget’s PublicSurvey: each survey shows its own labels', async ({ api, site }) => {
    const { client, warnings } = cachedClient(widgetFetch(api, site));
    expect(await loadBoth(client, publicLoader(client))).toEqual({ shop: expected('cache-shop'), repair: expected('cache-repair') });
    // They have no id: graphcache keeps them inside the survey they came with (and says so).
    expect(warnings.every((w) => /^Invalid key:.*`(PublicSurvey|PublicQuestion|PublicOption)`/s.test(w)), warnings.join('\n')).toBe(true);
  });

  it('keyed by the slug, as when it was `id`, the same cache shows one survey with the other’s labels', async ({ api, site }) => {
    const byKey = { PublicQuestion: (q: Json) => q.key, PublicOption: (o: Json) => o.key };
    const { client } = cachedClient(widgetFetch(api, site), byKey);
    const seen = await loadBoth(client, publicLoader(client));
    expect(seen.shop).not.toEqual(expected('cache-shop'));
    expect(seen.shop.question).toBe(SURVEYS['cache-repair'].question);
  });

  const SURVEY = gql`
    query Survey($id: ID!) {
      survey(id: $id) { id key title questions { key label options { key label } } }
    }
  `;
  const consoleLoader = (client: Client) => async (key: string, policy: 'network-only' | 'cache-only') => {
    const result = await client.query(SURVEY, { id: surveyIds[key] }, { requestPolicy: policy }).toPromise();
    expect(result.error).toBeUndefined();
    return result.data?.survey;
  };

  it('a survey read with an API key (Survey is a Node; its questions have keys): each shows its own labels', async ({ api }) => {
    const { client, warnings } = cachedClient(consoleFetch(api));
    expect(await loadBoth(client, consoleLoader(client))).toEqual({ shop: expected('cache-shop'), repair: expected('cache-repair') });
    expect(warnings.every((w) => /^Invalid key:.*`(SurveyQuestion|SurveyOption)`/s.test(w)), warnings.join('\n')).toBe(true);
  });

  it('…and keyed by the slug, there too the two surveys’ questions become one', async ({ api }) => {
    const byKey = { SurveyQuestion: (q: Json) => q.key, SurveyOption: (o: Json) => o.key };
    const { client } = cachedClient(consoleFetch(api), byKey);
    const seen = await loadBoth(client, consoleLoader(client));
    expect(seen.shop.question).toBe(SURVEYS['cache-repair'].question);
  });
});
