/**
 * Layout and targets (issue 13): at 320, 375 and 1280 px, light and dark, en and zh-CN, no
 * widget state overflows horizontally, the NPS 0–10 scale stays on one row, the floating survey
 * card fits the viewport, and every interactive target is at least 24 × 24 CSS px (WCAG 2.2
 * 2.5.8). One browser, many pages.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipBrowserTests, startBrowserHarness, type BrowserHarness } from './browser.ts';
import { openTestPage } from './pages.ts';

let h: BrowserHarness;

const both = (en: string, zh: string) => [
  { locale: 'en', text: en },
  { locale: 'zh-CN', text: zh },
];

const WIDGETS = `
  <careloop-survey site-key="{{siteKey}}" survey="layout" inline></careloop-survey>
  <careloop-did-this-solve site-key="{{siteKey}}" subject="test:layout" agent-id="a1"></careloop-did-this-solve>
  <careloop-complaint-form site-key="{{siteKey}}"></careloop-complaint-form>
  <careloop-complaint-tracker site-key="{{siteKey}}"></careloop-complaint-tracker>
  <careloop-survey site-key="{{siteKey}}" survey="layout"></careloop-survey>`;

/** Overflows, targets under 24 px and the NPS rows, for every careloop element on the page. */
function measure(page: Page) {
  return page.evaluate(() => {
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > innerWidth) problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${innerWidth}`);
    const npsRows: number[] = [];
    let floating: DOMRect | undefined;
    for (const element of document.querySelectorAll('careloop-survey, careloop-did-this-solve, careloop-complaint-form, careloop-complaint-tracker')) {
      const root = element.shadowRoot!;
      const name = `${element.localName}${element.hasAttribute('inline') ? '[inline]' : ''}`;
      for (const card of root.querySelectorAll<HTMLElement>('.card')) {
        if (card.scrollWidth > card.clientWidth + 1) problems.push(`${name}: card overflows ${card.scrollWidth} > ${card.clientWidth}`);
        if (card.classList.contains('float')) floating = card.getBoundingClientRect();
        const box = card.getBoundingClientRect();
        if (box.left < 0 || box.right > innerWidth) problems.push(`${name}: card outside the viewport ${box.left}..${box.right}`);
      }
      for (const target of root.querySelectorAll<HTMLElement>('button, select, textarea, input:not([type=radio]):not([type=checkbox]):not(#website), .choice')) {
        const box = target.getBoundingClientRect();
        if (!box.width && !box.height) continue; // not shown in this state
        if (box.width < 24 || box.height < 24) problems.push(`${name}: ${target.outerHTML.slice(0, 50)} is ${box.width.toFixed(1)} × ${box.height.toFixed(1)}`);
      }
      const nps = root.querySelector('fieldset:has(input[value="10"])');
      if (nps) npsRows.push(new Set([...nps.querySelectorAll('.choice')].map((choice) => Math.round(choice.getBoundingClientRect().top))).size);
    }
    const fits = floating ? floating.left >= 0 && floating.top >= 0 && floating.right <= innerWidth && floating.bottom <= innerHeight : false;
    return { problems, npsRows, floatingFits: fits };
  });
}

describe.skipIf(skipBrowserTests)('layout and targets at 320, 375 and 1280 px, light and dark, en and zh-CN', () => {
  beforeAll(async () => {
    h = await startBrowserHarness();
    const created = await h.api(`mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { __typename ... on Error { message } } }`, {
      input: {
        key: 'layout',
        kind: 'NPS',
        status: 'ACTIVE',
        title: both('How likely are you to recommend us to a friend or colleague?', '您有多大可能向朋友或同事推荐我们？'),
        questions: [
          { key: 'nps', type: 'NPS', required: true, labels: both('How likely are you to recommend us?', '您向朋友推荐我们的可能性有多大？') },
          { key: 'rating', type: 'RATING', labels: both('How satisfied are you?', '您的满意度如何？') },
          { key: 'why', type: 'TEXT', labels: both('Why?', '原因？') },
        ],
      },
    });
    if (created.createSurvey.__typename !== 'MutationCreateSurveySuccess') throw new Error(JSON.stringify(created));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const cases = [320, 375, 1280].flatMap((width) => (['light', 'dark'] as const).flatMap((scheme) => ['en', 'zh-CN'].map((lang) => ({ width, scheme, lang }))));

  it.each(cases)('$width px, $scheme, $lang: empty, then with the required answer missing', async ({ width, scheme, lang }) => {
    const page = await openTestPage(h, WIDGETS, { lang });
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width, height: 720 });
    await page.locator('careloop-survey[inline] form').waitFor();
    await page.locator('careloop-survey:not([inline]) form').waitFor();
    await page.locator('careloop-complaint-tracker form').first().waitFor();
    const empty = await measure(page);
    expect(empty.problems).toEqual([]);
    expect(empty.npsRows, 'the NPS scale, inline and floating, on one row').toEqual([1, 1]);
    expect(empty.floatingFits).toBe(true);
    // Each scale says what its ends mean: likelihood to recommend, satisfaction; the agent question, helpfulness.
    const hints = (selector: string) => page.locator(selector).evaluate((el) => [...el.shadowRoot!.querySelectorAll('.hint')].map((hint) => hint.textContent));
    expect(await hints('careloop-survey[inline]')).toEqual(
      lang == 'en' ? ['0 = not at all likely, 10 = extremely likely', '1 = very dissatisfied, 5 = very satisfied'] : ['0 = 完全不可能，10 = 极有可能', '1 = 非常不满意，5 = 非常满意'],
    );

    // The error state: send without the required NPS answer; and the did-this-solve "No" branch.
    await page.locator('careloop-survey[inline]').getByRole('button', { name: lang == 'en' ? 'Send' : '提交' }).click();
    await page.locator('careloop-did-this-solve').getByRole('button', { name: lang == 'en' ? 'No' : '否' }).click();
    await page.locator('careloop-survey[inline] .error').first().waitFor();
    const invalid = await measure(page);
    expect(invalid.problems).toEqual([]);
    expect(invalid.npsRows).toEqual([1, 1]);
    await page.close();
  });
});
