import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipBrowserTests, startBrowserHarness, type BrowserHarness } from './browser.ts';
import { nextEvent, openTestPage } from './pages.ts';

let h: BrowserHarness;

const both = (en: string, zh: string) => [
  { locale: 'en', text: en },
  { locale: 'zh-CN', text: zh },
];
const option = (key: string, en: string, zh: string) => ({ key, labels: both(en, zh) });

/** One question of every type the intake API knows, each optional but the rating. */
async function createEveryTypeSurvey(key: string) {
  const created = await h.api(
    `mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { __typename ... on Error { message } } }`,
    {
      input: {
        key,
        kind: 'CSAT',
        status: 'ACTIVE',
        title: both('Every question type', '所有题型'),
        questions: [
          { key: 'rating', type: 'RATING', required: true, labels: both('Rate the service', '为服务打分') },
          { key: 'nps', type: 'NPS', labels: both('Would you recommend us?', '您会推荐我们吗?') },
          { key: 'ces', type: 'CES', labels: both('How easy was it?', '操作容易吗?') },
          { key: 'single', type: 'SINGLE_CHOICE', labels: both('How did you reach us?', '您通过什么方式联系我们?'), options: [option('web', 'Website', '网站'), option('phone', 'Phone', '电话')] },
          { key: 'multi', type: 'MULTIPLE_CHOICE', labels: both('What went well?', '哪些方面做得好?'), options: [option('speed', 'Speed', '速度'), option('kindness', 'Kindness', '态度'), option('price', 'Price', '价格')] },
          { key: 'text', type: 'TEXT', labels: both('Anything else?', '还有其他意见吗?') },
          { key: 'yesno', type: 'YES_NO', labels: both('Was it solved?', '问题解决了吗?') },
        ],
      },
    },
  );
  if (created.createSurvey.__typename !== 'MutationCreateSurveySuccess') throw new Error(JSON.stringify(created));
}

describe.skipIf(skipBrowserTests)('<careloop-survey>: every question type', () => {
  beforeAll(async () => {
    h = await startBrowserHarness();
    await createEveryTypeSurvey('every-type');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('renders the seven types as labelled controls and stores each answer with its type', async () => {
    const page = await openTestPage(h, `<careloop-survey site-key="{{siteKey}}" survey="every-type" inline></careloop-survey>`);
    const survey = page.locator('careloop-survey');
    await survey.locator('form').waitFor();
    const group = (name: string) => survey.getByRole('group', { name });
    // Scales as radio groups of the right range.
    expect(await group('Rate the service').getByRole('radio').count()).toBe(5);
    expect(await group('Would you recommend us?').getByRole('radio').count()).toBe(11);
    expect(await group('How easy was it?').getByRole('radio').count()).toBe(7);
    expect(await group('How easy was it?').locator('.hint').textContent()).toBe('1 = very difficult, 7 = very easy');
    await group('Rate the service').getByRole('radio', { name: '4' }).check();
    await group('Would you recommend us?').getByRole('radio', { name: '0', exact: true }).check();
    await group('How easy was it?').getByRole('radio', { name: '7' }).check();
    await group('How did you reach us?').getByRole('radio', { name: 'Phone' }).check();
    await group('What went well?').getByRole('checkbox', { name: 'Speed' }).check();
    await group('What went well?').getByRole('checkbox', { name: 'Price' }).check();
    await survey.getByLabel('Anything else?').fill('Quick and friendly.');
    await group('Was it solved?').getByRole('radio', { name: 'No' }).check();
    const submitted = nextEvent<{ id: string }>(survey, 'careloop-submitted');
    await survey.getByRole('button', { name: 'Send' }).click();
    const { id } = await submitted;
    const { feedbackItem } = await h.api(`query($id: ID!) { feedbackItem(id: $id) { score answers { questionKey value } } }`, { id });
    expect(feedbackItem).toEqual({
      score: 4,
      answers: [
        { questionKey: 'rating', value: 4 },
        { questionKey: 'nps', value: 0 },
        { questionKey: 'ces', value: 7 },
        { questionKey: 'single', value: 'phone' },
        { questionKey: 'multi', value: ['speed', 'price'] },
        { questionKey: 'text', value: 'Quick and friendly.' },
        { questionKey: 'yesno', value: false },
      ],
    });
    await page.close();
  });

  it('a locale that is not shipped falls back to English; zh-CN shows the survey and the controls in Chinese', async () => {
    const fr = await openTestPage(h, `<careloop-survey site-key="{{siteKey}}" survey="every-type" inline></careloop-survey>`, { lang: 'fr' });
    const french = fr.locator('careloop-survey');
    await french.locator('form').waitFor();
    expect(await french.locator('[part=title]').textContent()).toBe('Every question type');
    expect(await french.getByRole('button').textContent()).toBe('Send');
    const zh = await openTestPage(h, `<careloop-survey site-key="{{siteKey}}" survey="every-type" inline></careloop-survey>`, { lang: 'zh-CN' });
    const chinese = zh.locator('careloop-survey');
    await chinese.locator('form').waitFor();
    expect(await chinese.locator('[part=title]').textContent()).toBe('所有题型');
    expect(await chinese.getByRole('group', { name: '问题解决了吗?' }).getByRole('radio').count()).toBe(2);
    expect(await chinese.getByRole('group', { name: '哪些方面做得好?' }).getByRole('checkbox', { name: '态度' }).count()).toBe(1);
    await fr.close();
    await zh.close();
  });
});
