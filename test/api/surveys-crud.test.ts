import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { surveys } from '../../server/db/tables/index.ts';
import { dataOf, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import {
  choice,
  createdSurvey,
  issuePaths,
  ok,
  question,
  surveyInput,
  surveysOf,
  texts,
  uniqueKey,
  type Json,
} from './surveys-fixtures.ts';

// The file's API (test/helpers/fixtures.ts), made before the first test as before.
it.beforeAll(({ api: _ }) => {});

const surveyRows = (api: TestApi) => api.db.db.$count(surveys, eq(surveys.orgId, api.orgA.id));

describe('createSurvey', () => {
  let created: Json;
  it.beforeAll(async ({ surveys: a }) => {
    created = ok(await a.create(surveyInput('after-delivery', { kind: 'CSAT', defaultLocale: 'en' })));
  });

  it('returns every field as given, with localized texts in every locale', () => {
    expect(created).toMatchObject({
      key: 'after-delivery',
      kind: 'CSAT',
      status: 'ACTIVE',
      defaultLocale: 'en',
      title: 'How did we do?',
      titles: { en: 'How did we do?', 'zh-CN': '我们做得怎么样?' },
      thankYou: 'Thank you for your feedback',
      thankYous: { en: 'Thank you for your feedback', 'zh-CN': '感谢您的反馈' },
    });
    expect(created.questions.map((q: Json) => [q.key, q.type, q.required, q.retired])).toEqual([
      ['rating', 'RATING', false, false],
      ['nps', 'NPS', false, false],
      ['ces', 'CES', false, false],
      ['single', 'SINGLE_CHOICE', false, false],
      ['multi', 'MULTIPLE_CHOICE', false, false],
      ['text', 'TEXT', false, false],
      ['yesno', 'YES_NO', false, false],
    ]);
    expect(created.questions[3].options).toEqual([
      { key: 'a', labels: { en: 'Option a' }, label: 'Option a', retired: false },
      { key: 'b', labels: { en: 'Option b' }, label: 'Option b', retired: false },
      { key: 'c', labels: { en: 'Option c' }, label: 'Option c', retired: false },
    ]);
    expect(created.updatedAt).toBe(created.createdAt);
  });

  it('is readable by id, with texts resolved per locale and falling back to the default', async ({ surveys: a }) => {
    const fields = `title zh: title(locale: "zh-CN") zhLower: title(locale: "zh-cn") zhTW: title(locale: "zh-TW")
      fr: title(locale: "fr") bogus: title(locale: "not a locale!") thanks: thankYou(locale: "zh-CN")
      questions { label zh: label(locale: "zh-CN") }`;
    const survey = await a.get(created.id, fields);
    expect(survey).toMatchObject({
      title: 'How did we do?',
      zh: '我们做得怎么样?',
      zhLower: '我们做得怎么样?',
      // zh-TW falls back to zh, then to the default: never sideways to zh-CN.
      zhTW: 'How did we do?',
      fr: 'How did we do?',
      bogus: 'How did we do?',
      thanks: '感谢您的反馈',
    });
    // Question labels exist only in en: every locale falls back to it.
    expect(survey!.questions[0]).toEqual({ label: 'Rate us', zh: 'Rate us' });
  });

  it('defaults status to DRAFT, defaultLocale to en, required to false, thankYou to null', async ({ surveys: a }) => {
    const survey = ok(
      await a.create({ key: uniqueKey(), title: texts({ en: 'T' }), kind: 'CUSTOM', questions: [question('TEXT', 'Q')] }),
    );
    expect(survey).toMatchObject({ status: 'DRAFT', defaultLocale: 'en', thankYou: null, thankYous: null });
    expect(survey.questions[0].required).toBe(false);
  });

  it('makes short, stable keys from the labels of questions and options given without one', async ({ surveys: a }) => {
    const survey = ok(
      await a.create({
        key: uniqueKey(),
        title: texts({ en: 'T' }),
        kind: 'CUSTOM',
        questions: [
          question('TEXT', 'How was the delivery, really? Tell us everything please'),
          question('TEXT', 'How was the delivery, really? Tell us everything please'),
          { type: 'YES_NO', labels: texts({ 'zh-CN': '解决了吗?', en: '!!!' }) },
          { type: 'SINGLE_CHOICE', labels: texts({ en: 'Pick' }), options: [{ labels: texts({ en: 'Très bien' }) }, { labels: texts({ en: '好' }) }] },
          question('TEXT', 'Explicit', { key: 'how-was-the-delivery-really' }),
        ],
      }),
    );
    expect(survey.questions.map((q: Json) => q.key)).toEqual([
      'how-was-the-delivery',
      'how-was-the-delivery-2',
      'q3',
      'pick',
      'how-was-the-delivery-really',
    ]);
    expect(survey.questions[3].options.map((o: Json) => o.key)).toEqual(['tres-bien', 'o2']);
  });

  it('canonicalizes locale tags', async ({ surveys: a }) => {
    const survey = ok(
      await a.create({
        key: uniqueKey(),
        title: texts({ 'ZH-cn': '标题', en: 'Title' }),
        defaultLocale: 'zh-cn',
        kind: 'CUSTOM',
        questions: [{ type: 'TEXT', labels: texts({ 'zh-CN': '问题' }) }],
      }),
    );
    expect(survey.defaultLocale).toBe('zh-CN');
    expect(survey.titles).toEqual({ 'zh-CN': '标题', en: 'Title' });
  });

  it('is a ConflictError on key when the org already has that key, and stores nothing', async ({ api, surveys: a }) => {
    const before = await surveyRows(api);
    const result = await a.create(surveyInput('after-delivery'));
    expect(result).toMatchObject({ __typename: 'ConflictError', field: 'key' });
    expect(await surveyRows(api)).toBe(before);
  });

  it('lets another organization use the same key', async ({ api }) => {
    const survey = ok(await surveysOf(api.asB).create(surveyInput('after-delivery')));
    expect(survey.key).toBe('after-delivery');
  });

  it('needs the write scope', async ({ api }) => {
    const { createApiKey } = await import('../../server/organizations/organizations.service.ts');
    const { key } = await createApiKey(api.tenant(api.orgA.id), { name: 'ro', scopes: ['read'] });
    const result = await api.withKey(key).gql(`mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { __typename } }`, {
      input: surveyInput(uniqueKey()),
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // …and read works with it.
    expect(dataOf(await api.withKey(key).gql('{ surveys(first: 1) { totalCount } }')).surveys.totalCount).toBeGreaterThan(0);
  });
});

describe('validation', () => {
  const invalid = async (api: TestApi, a: ReturnType<typeof surveysOf>, input: Json) => {
    const before = await surveyRows(api);
    const paths = issuePaths(await a.create(input));
    expect(await surveyRows(api)).toBe(before);
    return paths;
  };
  const long = (n: number) => 'x'.repeat(n);

  it('checks the key is a slug', async ({ api, surveys: a }) => {
    for (const key of ['', 'Upper', 'with space', '-lead', 'trail-', 'double--hyphen', long(65)]) {
      expect(await invalid(api, a, surveyInput(key))).toEqual(['input.key']);
    }
    expect(ok(await a.create(surveyInput(`k${long(63)}`))).key).toHaveLength(64);
  });

  it('checks localized texts: locale tags, empty and long texts, duplicates, at most 10 locales', async ({ api, surveys: a }) => {
    expect(await invalid(api, a, surveyInput(uniqueKey(), { title: [] }))).toEqual(['input.title']);
    expect(await invalid(api, a, surveyInput(uniqueKey(), { title: texts({ en: 'T', 'not a tag': 'x' }) }))).toEqual(['input.title.1.locale']);
    expect(await invalid(api, a, surveyInput(uniqueKey(), { title: texts({ en: '   ' }) }))).toEqual(['input.title.0.text']);
    expect(await invalid(api, a, surveyInput(uniqueKey(), { title: texts({ en: long(501) }) }))).toEqual(['input.title.0.text']);
    expect(await invalid(api, a, surveyInput(uniqueKey(), { title: [{ locale: 'en', text: 'a' }, { locale: 'EN', text: 'b' }] }))).toEqual([
      'input.title.1.locale',
    ]);
    const eleven = ['en', 'de', 'fr', 'it', 'es', 'pt', 'nl', 'sv', 'da', 'fi', 'ja'];
    expect(
      await invalid(api, a, surveyInput(uniqueKey(), { title: eleven.map((locale) => ({ locale, text: locale })) })),
    ).toEqual(['input.title']);
    const ten = eleven.slice(0, 10).map((locale) => ({ locale, text: locale }));
    expect(ok(await a.create(surveyInput(uniqueKey(), { title: ten }))).titles).toHaveProperty('da', 'da');
    expect(ok(await a.create(surveyInput(uniqueKey(), { title: texts({ en: long(500) }) }))).title).toHaveLength(500);
    expect(await invalid(api, a, surveyInput(uniqueKey(), { thankYou: texts({ en: long(501) }) }))).toEqual(['input.thankYou.0.text']);
    expect(await invalid(api, a, surveyInput(uniqueKey(), { defaultLocale: 'english' }))).toEqual(['input.defaultLocale']);
  });

  it('checks every text has the default locale', async ({ api, surveys: a }) => {
    const paths = await invalid(
      api,
      a,
      surveyInput(uniqueKey(), {
        defaultLocale: 'zh-CN',
        title: texts({ en: 'T' }),
        thankYou: texts({ en: 'Thanks' }),
        questions: [
          { type: 'TEXT', labels: texts({ 'zh-CN': '问题' }) },
          { type: 'TEXT', labels: texts({ en: 'Q' }) },
          { type: 'SINGLE_CHOICE', labels: texts({ 'zh-CN': '选' }), options: [{ labels: texts({ 'zh-CN': '一' }) }, { labels: texts({ en: 'two' }) }] },
        ],
      }),
    );
    expect(paths.sort()).toEqual(['input.questions.1.labels', 'input.questions.2.options.1.labels', 'input.thankYou', 'input.title']);
  });

  it('checks questions: 1 to 50, known fields, distinct keys, label lengths', async ({ api, surveys: a }) => {
    expect(await invalid(api, a, surveyInput(uniqueKey(), { questions: [] }))).toEqual(['input.questions']);
    const many = (n: number) => Array.from({ length: n }, (_, i) => question('TEXT', `Q${i}`));
    expect(await invalid(api, a, surveyInput(uniqueKey(), { questions: many(51) }))).toEqual(['input.questions']);
    expect(ok(await a.create(surveyInput(uniqueKey(), { questions: many(50) }))).questions).toHaveLength(50);
    expect(
      await invalid(api, a, surveyInput(uniqueKey(), { questions: [question('TEXT', 'A', { key: 'same' }), question('TEXT', 'B', { key: 'same' })] })),
    ).toEqual(['input.questions.1.key']);
    for (const key of ['', 'has space', '-x', 'x'.repeat(41), 'ü']) {
      expect(await invalid(api, a, surveyInput(uniqueKey(), { questions: [question('TEXT', 'A', { key })] }))).toEqual(['input.questions.0.key']);
    }
    expect(await invalid(api, a, surveyInput(uniqueKey(), { questions: [question('TEXT', long(501))] }))).toEqual(['input.questions.0.labels.0.text']);
    expect(await invalid(api, a, surveyInput(uniqueKey(), { questions: [question('TEXT', 'ok'), { type: 'TEXT', labels: [] }] }))).toEqual([
      'input.questions.1.labels',
    ]);
  });

  it('checks options: choice questions need 2 to 30, other types none, keys distinct', async ({ api, surveys: a }) => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `o${i}`);
    for (const type of ['SINGLE_CHOICE', 'MULTIPLE_CHOICE']) {
      expect(await invalid(api, a, surveyInput(uniqueKey(), { questions: [choice(type, 'C', ids(1))] }))).toEqual(['input.questions.0.options']);
      expect(await invalid(api, a, surveyInput(uniqueKey(), { questions: [question(type, 'C')] }))).toEqual(['input.questions.0.options']);
      expect(await invalid(api, a, surveyInput(uniqueKey(), { questions: [choice(type, 'C', ids(31))] }))).toEqual(['input.questions.0.options']);
      expect(ok(await a.create(surveyInput(uniqueKey(), { questions: [choice(type, 'C', ids(2))] }))).questions[0].options).toHaveLength(2);
      expect(ok(await a.create(surveyInput(uniqueKey(), { questions: [choice(type, 'C', ids(30))] }))).questions[0].options).toHaveLength(30);
      expect(await invalid(api, a, surveyInput(uniqueKey(), { questions: [choice(type, 'C', ['d', 'e', 'd'])] }))).toEqual([
        'input.questions.0.options.2.key',
      ]);
    }
    for (const type of ['RATING', 'NPS', 'CES', 'TEXT', 'YES_NO']) {
      expect(await invalid(api, a, surveyInput(uniqueKey(), { questions: [choice(type, 'C', ids(2))] }))).toEqual(['input.questions.0.options']);
      // An empty list is no options.
      expect(ok(await a.create(surveyInput(uniqueKey(), { questions: [question(type, 'C', { options: [] })] }))).questions[0].options).toEqual([]);
    }
  });

  it('checks a scored kind has its scored question', async ({ api, surveys: a }) => {
    const only = (type: string) => [question(type, 'Q')];
    for (const [kind, type] of [['CSAT', 'RATING'], ['NPS', 'NPS'], ['CES', 'CES']]) {
      for (const other of ['RATING', 'NPS', 'CES', 'TEXT'].filter((t) => t !== type)) {
        expect(await invalid(api, a, surveyInput(uniqueKey(), { kind, questions: only(other) }))).toEqual(['input.questions']);
      }
      expect(ok(await a.create(surveyInput(uniqueKey(), { kind, questions: only(type) }))).kind).toBe(kind);
    }
  });

  it('reports every issue at once', async ({ api, surveys: a }) => {
    const paths = await invalid(api, a, { key: 'Bad Key', title: [], kind: 'CUSTOM', questions: [question('TEXT', '')] });
    expect(paths.sort()).toEqual(['input.key', 'input.questions.0.labels.0.text', 'input.title']);
  });
});

describe('survey and surveys', () => {
  it('survey(id) is null for an unknown id and a ValidationError for a malformed one', async ({ api, surveys: a }) => {
    const other = await createdSurvey(api.asB, surveyInput(uniqueKey()));
    expect(await a.get(other.id)).toBeNull();
    const result = await api.asA.gql('{ survey(id: "nope") { id } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const customerId = Buffer.from('Customer:00000000-0000-4000-8000-000000000000').toString('base64');
    expect((await api.asA.gql(`{ survey(id: "${customerId}") { id } }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('is a Relay node readable through node(id) by its own org only', async ({ api }) => {
    const survey = await createdSurvey(api.asA, surveyInput(uniqueKey()));
    const query = `query($id: ID!) { node(id: $id) { id ... on Survey { key } } }`;
    expect(dataOf(await api.asA.gql(query, { id: survey.id })).node).toEqual({ id: survey.id, key: survey.key });
    expect(dataOf(await api.asB.gql(query, { id: survey.id })).node).toBeNull();
  });

  it('lists newest first, pages with cursors, counts and filters by status', async ({ api, newOrg }) => {
    const f = surveysOf(newOrg.as);
    const made: Json[] = [];
    for (const status of ['DRAFT', 'ACTIVE', 'ACTIVE', 'ARCHIVED', 'DRAFT']) {
      made.push(await createdSurvey(newOrg.as, surveyInput(uniqueKey(), { status })));
      // Newest first is by the clock, which stands still until moved.
      api.clock.advance(1000);
    }
    // Another organization's survey is not listed.
    await createdSurvey(api.asB, surveyInput(uniqueKey()));
    const first = await f.list({ first: 2 });
    expect(first.totalCount).toBe(5);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await f.list({ first: 10, after: first.pageInfo.endCursor });
    const ids = [...first.edges, ...second.edges].map((e: Json) => e.node.id);
    expect(ids).toEqual(made.map((s) => s.id).reverse());
    for (const [status, count] of [['DRAFT', 2], ['ACTIVE', 2], ['ARCHIVED', 1]] as const) {
      const page = await f.list({ first: 10, filter: { status } });
      expect(page.totalCount).toBe(count);
      expect(page.edges.every((e: Json) => e.node.status === status)).toBe(true);
    }
  });
});

describe('updateSurvey', () => {
  it('keeps absent fields, changes given ones and moves updatedAt', async ({ api, surveys: a }) => {
    const survey = await createdSurvey(api.asA, surveyInput(uniqueKey()));
    api.clock.advance(1000);
    const updated = ok(await a.update(survey.id, { title: texts({ en: 'New title' }), status: 'DRAFT', thankYou: null }));
    expect(updated).toMatchObject({ id: survey.id, key: survey.key, title: 'New title', status: 'DRAFT', thankYou: null, kind: 'CUSTOM' });
    expect(updated.titles).toEqual({ en: 'New title' });
    expect(updated.questions).toEqual(survey.questions);
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(survey.updatedAt));
    // null keeps a field that cannot be cleared.
    expect(ok(await a.update(survey.id, { key: null, title: null })).title).toBe('New title');
  });

  it('replaces questions outright while there are no responses', async ({ api, surveys: a }) => {
    const survey = await createdSurvey(api.asA, surveyInput(uniqueKey()));
    const updated = ok(await a.update(survey.id, { questions: [question('YES_NO', 'Only one', { key: 'rating' })] }));
    // No answers refer to the old keys, so the type may change and nothing is retired.
    expect(updated.questions.map((q: Json) => [q.key, q.type, q.retired])).toEqual([['rating', 'YES_NO', false]]);
  });

  it('checks the whole survey after the change, pointing at the field that changed', async ({ api, surveys: a }) => {
    const survey = await createdSurvey(api.asA, surveyInput(uniqueKey()));
    expect(issuePaths(await a.update(survey.id, { defaultLocale: 'zh-CN' })).sort()).toEqual(
      // 7 question labels and 6 option labels lack zh-CN; the title and thank-you have it.
      Array.from({ length: 13 }, () => 'input.defaultLocale'),
    );
    expect(issuePaths(await a.update(survey.id, { kind: 'NPS', questions: [question('TEXT', 'Q')] }))).toEqual(['input.questions']);
    const kept = await createdSurvey(api.asA, surveyInput(uniqueKey(), { questions: [question('TEXT', 'Q')] }));
    expect(issuePaths(await a.update(kept.id, { kind: 'CES' }))).toEqual(['input.kind']);
    expect(issuePaths(await a.update(survey.id, { key: 'Not A Slug', questions: [] })).sort()).toEqual(['input.key', 'input.questions']);
    expect(await a.get(survey.id)).toEqual(survey);
  });

  it('is a ConflictError on key when another survey has it, and fine with its own key', async ({ api, surveys: a }) => {
    const one = await createdSurvey(api.asA, surveyInput(uniqueKey()));
    const two = await createdSurvey(api.asA, surveyInput(uniqueKey()));
    expect(await a.update(two.id, { key: one.key })).toMatchObject({ __typename: 'ConflictError', field: 'key' });
    expect(ok(await a.update(two.id, { key: two.key })).key).toBe(two.key);
    expect(ok(await a.update(two.id, { key: `${two.key}-renamed` })).key).toBe(`${two.key}-renamed`);
  });

  it('is a NotFoundError for an unknown survey', async ({ surveys: a }) => {
    const id = Buffer.from('Survey:00000000-0000-4000-8000-000000000000').toString('base64');
    expect(await a.update(id, { status: 'ACTIVE' })).toMatchObject({ __typename: 'NotFoundError', entity: 'Survey' });
    expect(await a.archive(id)).toMatchObject({ __typename: 'NotFoundError', entity: 'Survey' });
  });
});

describe('archiveSurvey', () => {
  it('archives, and stays archived when repeated', async ({ api, surveys: a }) => {
    const survey = await createdSurvey(api.asA, surveyInput(uniqueKey()));
    expect(ok(await a.archive(survey.id)).status).toBe('ARCHIVED');
    expect(ok(await a.archive(survey.id)).status).toBe('ARCHIVED');
    expect((await a.get(survey.id))!.status).toBe('ARCHIVED');
  });
});
