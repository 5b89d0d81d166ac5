import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipBrowserTests, startBrowserHarness, type BrowserHarness } from './browser.ts';
import { createTestSurvey, nextEvent, openTestPage, routeTestPage } from './pages.ts';

let h: BrowserHarness;

/** The deepest focused element's accessible label (aria-label, else its text) and tag. */
const focusedControl = (page: Page) =>
  page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return { tag: active?.localName ?? '', label: active?.getAttribute('aria-label') ?? active?.textContent?.trim() ?? '', host: (active?.getRootNode() as ShadowRoot).host?.id ?? '' };
  });

const dismissed = (page: Page, key: string) => page.evaluate((key) => localStorage.getItem(`careloop:dismissed:${key}`), key);

describe.skipIf(skipBrowserTests)('<careloop-survey>: the floating card', () => {
  beforeAll(async () => {
    h = await startBrowserHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('floats in a corner with a labelled close button reached by keyboard; the dismissal is remembered per survey, after a reload too, and never hides an inline survey', async () => {
    await createTestSurvey(h, 'card-a');
    await createTestSurvey(h, 'card-b');
    const body = `<p><a href="#top">A link before the widgets</a></p>
      <careloop-survey id="floating" site-key="{{siteKey}}" survey="card-a"></careloop-survey>
      <careloop-survey id="inline" site-key="{{siteKey}}" survey="card-a" inline></careloop-survey>`;
    const page = await openTestPage(h, body);
    const floating = page.locator('#floating');
    const inline = page.locator('#inline');
    await floating.locator('form').waitFor();
    await inline.locator('form').waitFor();

    // A non-modal dialog named by the survey's title, fixed in the bottom right corner.
    const card = page.getByRole('dialog', { name: 'Survey card-a' });
    expect(await card.count()).toBe(1);
    expect(await card.evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
    const box = (await card.boundingBox())!;
    const viewport = page.viewportSize()!;
    // 0.5rem from the edges: at 320 px the card is then wide enough for NPS on one row (layout.browser.test.ts).
    expect(viewport.width - (box.x + box.width)).toBeCloseTo(8, 0);
    expect(viewport.height - (box.y + box.height)).toBeCloseTo(8, 0);
    // The inline survey is in the flow, a group, with no close button.
    expect(await inline.locator('[part=card]').evaluate((el) => [getComputedStyle(el).position, el.getAttribute('role')])).toEqual(['static', 'group']);
    expect(await inline.getByRole('button', { name: 'Close' }).count()).toBe(0);

    // Keyboard: Tab reaches the close button, named "Close" (its text is a bare ×).
    const close = floating.getByRole('button', { name: 'Close' });
    expect(await close.count()).toBe(1);
    for (let i = 0; i < 10 && (await focusedControl(page)).label !== 'Close'; i++) await page.keyboard.press('Tab');
    expect(await focusedControl(page)).toEqual({ tag: 'button', label: 'Close', host: 'floating' });
    await page.keyboard.press('Enter');
    await expect.poll(() => floating.locator('[part=card]').count()).toBe(0);
    expect(await floating.isVisible()).toBe(false);
    expect(await dismissed(page, 'card-a')).toBe('1');
    // The inline survey of the same key is untouched.
    expect(await inline.locator('form').isVisible()).toBe(true);

    // After a reload: the floating card of card-a stays hidden, the inline one still shows.
    await page.reload();
    await inline.locator('form').waitFor();
    expect(await page.evaluate(() => customElements.get('careloop-survey') !== undefined)).toBe(true);
    expect(await floating.evaluate((el) => el.shadowRoot?.querySelector('[part=card]') ?? null)).toBeNull();
    expect(await page.getByRole('dialog').count()).toBe(0);

    // Another survey's floating card still shows (here in zh-CN: the close button's name too),
    // and dismissing it is remembered for that survey alone.
    const other = await openTestPage(
      h,
      `<careloop-survey id="b" site-key="{{siteKey}}" survey="card-b"></careloop-survey>
       <careloop-survey id="a" site-key="{{siteKey}}" survey="card-a"></careloop-survey>`,
      { lang: 'zh-CN' },
    );
    const b = other.locator('#b');
    await b.locator('form').waitFor();
    expect(await other.getByRole('dialog', { name: '问卷 card-b' }).isVisible()).toBe(true);
    expect(await other.locator('#a').evaluate((el) => el.shadowRoot?.querySelector('[part=card]') ?? null)).toBeNull();
    expect(await dismissed(other, 'card-b')).toBeNull();
    await b.getByRole('button', { name: '关闭' }).click();
    await expect.poll(() => b.locator('[part=card]').count()).toBe(0);
    expect(await dismissed(other, 'card-b')).toBe('1');
    await page.close();
    await other.close();
  });

  it('a survey that cannot be loaded says so, without pulling focus; an unknown key says it is not available', async () => {
    const page = await h.context.newPage();
    await page.route('**/graphql', (route) => route.abort('internetdisconnected'));
    const url = `${h.server.url}/e2e/survey-offline.html`;
    await routeTestPage(page, url, h, `<input id="search" autofocus aria-label="Search" /><careloop-survey site-key="{{siteKey}}" survey="card-offline" inline></careloop-survey>`);
    await page.goto(url);
    const survey = page.locator('careloop-survey');
    await expect.poll(() => survey.getByRole('status').textContent()).toBe('Could not load: Failed to fetch');
    expect(await survey.locator('form').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search');

    await page.unrouteAll();
    const missing = await openTestPage(h, `<careloop-survey site-key="{{siteKey}}" survey="no-such-survey" inline locale="zh-CN"></careloop-survey>`);
    await expect.poll(() => missing.locator('careloop-survey').getByRole('status').textContent()).toBe('此问卷暂不可用。');
    await page.close();
    await missing.close();
  });

  it('a floating survey can be answered before it is dismissed; the thank-you stays in the card', async () => {
    await createTestSurvey(h, 'card-answered');
    const page = await openTestPage(h, `<careloop-survey site-key="{{siteKey}}" survey="card-answered"></careloop-survey>`);
    const survey = page.locator('careloop-survey');
    await survey.locator('form').waitFor();
    await survey.getByRole('radio', { name: '4' }).check();
    const submitted = nextEvent<{ id: string }>(survey, 'careloop-submitted');
    await survey.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => survey.getByRole('status').textContent()).toBe('Thank you for your feedback');
    expect(await page.getByRole('dialog', { name: 'Survey card-answered' }).isVisible()).toBe(true);
    const { feedbackItem } = await h.api(`query($id: ID!) { feedbackItem(id: $id) { score survey { key } } }`, { id: (await submitted).id });
    expect(feedbackItem).toEqual({ score: 4, survey: { key: 'card-answered' } });
    await page.close();
  });

  it('Escape closes the floating card from any control in it, and is remembered like the close button; an inline survey ignores it', async () => {
    await createTestSurvey(h, 'card-escape');
    const page = await openTestPage(
      h,
      `<careloop-survey site-key="{{siteKey}}" survey="card-escape"></careloop-survey>
       <careloop-survey id="inline" site-key="{{siteKey}}" survey="card-escape" inline></careloop-survey>`,
    );
    const card = page.getByRole('dialog', { name: 'Survey card-escape' });
    await card.locator('form').waitFor();
    await card.getByRole('radio', { name: '3' }).focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => card.count()).toBe(0);
    expect(await dismissed(page, 'card-escape')).toBe('1');
    const inline = page.locator('#inline');
    await inline.getByRole('radio', { name: '3' }).focus();
    await page.keyboard.press('Escape');
    expect(await inline.locator('form').count()).toBe(1);
    await page.close();
  });
});
