import { describe, expect } from 'vitest';
import { test as it } from '../helpers/fixtures.ts';
import { PUBLIC_SURVEY, createdSurvey, ok, question, surveyInput, surveysOf, texts, uniqueKey, widgetOf, type Json } from './surveys-fixtures.ts';

// The file's API, site and survey widget (test/helpers/fixtures.ts), the site made first, as before.
it.beforeAll(async ({ api, surveyWidget: _ }) => {
  await createdSurvey(
    api.asA,
    surveyInput('bilingual', {
      kind: 'CSAT',
      questions: [
        { key: 'score', type: 'RATING', required: true, labels: texts({ en: 'Rate us', 'zh-CN': '请评分', zh: '评分' }) },
        {
          key: 'why',
          type: 'SINGLE_CHOICE',
          labels: texts({ en: 'Why?', 'zh-CN': '为什么?' }),
          options: [
            { key: 'price', labels: texts({ en: 'Price', 'zh-CN': '价格' }) },
            { key: 'speed', labels: texts({ en: 'Speed' }) },
          ],
        },
      ],
    }),
  );
});

describe('publicSurvey', () => {
  it('returns what a widget renders, in the default locale without a locale', async ({ surveyWidget: widget }) => {
    expect(await widget.survey('bilingual')).toEqual({
      key: 'bilingual',
      kind: 'CSAT',
      locale: 'en',
      title: 'How did we do?',
      thankYou: 'Thank you for your feedback',
      questions: [
        { key: 'score', type: 'RATING', label: 'Rate us', required: true, options: [] },
        {
          key: 'why',
          type: 'SINGLE_CHOICE',
          label: 'Why?',
          required: false,
          options: [
            { key: 'price', label: 'Price' },
            { key: 'speed', label: 'Speed' },
          ],
        },
      ],
    });
  });

  it('serves the requested locale, each missing text falling back to the default', async ({ surveyWidget: widget }) => {
    const zh = await widget.survey('bilingual', 'zh-CN');
    expect(zh).toMatchObject({ locale: 'zh-CN', title: '我们做得怎么样?', thankYou: '感谢您的反馈' });
    expect(zh!.questions.map((q: Json) => q.label)).toEqual(['请评分', '为什么?']);
    expect(zh!.questions[1].options.map((o: Json) => o.label)).toEqual(['价格', 'Speed']);
    // Tags are matched case-insensitively.
    expect((await widget.survey('bilingual', 'zh-cn'))!.locale).toBe('zh-CN');
  });

  it('tries the language before the default: zh-CN -> zh -> default', async ({ api, surveyWidget: widget }) => {
    const survey = await createdSurvey(
      api.asA,
      surveyInput(uniqueKey(), {
        title: texts({ en: 'Title', zh: '标题' }),
        thankYou: null,
        questions: [{ type: 'TEXT', labels: texts({ en: 'Q', zh: '问' }) }],
      }),
    );
    for (const locale of ['zh-CN', 'zh-TW', 'zh-Hant-TW', 'zh']) {
      expect(await widget.survey(survey.key, locale), locale).toMatchObject({ locale: 'zh', title: '标题', thankYou: null });
    }
    for (const locale of ['fr', 'en-GB', 'not a tag', '', 'x'.repeat(300)]) {
      expect(await widget.survey(survey.key, locale), locale).toMatchObject({ locale: 'en', title: 'Title' });
    }
  });

  it('leaves out retired questions and options', async ({ api, surveyWidget: widget }) => {
    const survey = await createdSurvey(
      api.asA,
      surveyInput(uniqueKey(), { questions: [question('TEXT', 'Keep', { key: 'keep' }), question('TEXT', 'Drop', { key: 'drop' })] }),
    );
    const submitted = await widget.submit(survey.key, [{ questionKey: 'drop', value: 'old answer' }]);
    ok(submitted);
    ok(await surveysOf(api.asA).update(survey.id, { questions: [question('TEXT', 'Keep', { key: 'keep' })] }));
    const view = await widget.survey(survey.key);
    expect(view!.questions.map((q: Json) => q.key)).toEqual(['keep']);
  });

  it('is null for an unknown key, a draft and an archived survey', async ({ api, surveyWidget: widget }) => {
    expect(await widget.survey('no-such-survey')).toBeNull();
    const draft = await createdSurvey(api.asA, surveyInput(uniqueKey(), { status: 'DRAFT' }));
    expect(await widget.survey(draft.key)).toBeNull();
    const archived = await createdSurvey(api.asA, surveyInput(uniqueKey()));
    expect(await widget.survey(archived.key)).not.toBeNull();
    ok(await surveysOf(api.asA).archive(archived.id));
    expect(await widget.survey(archived.key)).toBeNull();
    // Activating the draft shows it.
    ok(await surveysOf(api.asA).update(draft.id, { status: 'ACTIVE' }));
    expect((await widget.survey(draft.key))!.key).toBe(draft.key);
  });

  it("is null for another organization's survey, even with the same key in both", async ({ api, surveyWidget: widget }) => {
    const siteB = await api.createSite({ as: api.asB, allowedOrigins: ['https://b.example'] });
    const widgetB = widgetOf(api.withSite(siteB.publishableKey, siteB.origin));
    expect(await widgetB.survey('bilingual')).toBeNull();
    await createdSurvey(api.asB, surveyInput('bilingual', { title: texts({ en: 'B survey' }) }));
    expect((await widgetB.survey('bilingual'))!.title).toBe('B survey');
    expect((await widget.survey('bilingual'))!.title).toBe('How did we do?');
  });

  it('refuses any other document from a site key', async ({ api, site }) => {
    const result = await api.withSite(site.publishableKey, site.origin).gql('{ publicSurvey(key: "bilingual") { key } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('is only for site keys: API keys and anonymous callers are refused', async ({ api }) => {
    const query = '{ publicSurvey(key: "bilingual") { key } }';
    expect((await api.asA.gql(query)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await api.anonymous.gql(query)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a site key from an origin the site does not allow', async ({ api, site }) => {
    const result = await api.withSite(site.publishableKey, 'https://evil.example').gql(PUBLIC_SURVEY, { key: 'bilingual' });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.data ?? null).toBeNull();
  });
});
