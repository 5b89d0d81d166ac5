import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { eq } from 'drizzle-orm';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { complaints } from '../../server/db/tables/index.ts';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CSP } from '../../server/demo/demo-page.ts';
import { focused, skipBrowserTests, startBrowserHarness, type BrowserHarness } from './browser.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let h: BrowserHarness;
const pages: Page[] = [];

async function open(path = '/'): Promise<Page> {
  const page = await h.context.newPage();
  pages.push(page);
  await page.goto(`${h.server.url}${path}`);
  // The survey is fetched: wait until its form is there.
  await page.locator('careloop-survey form').waitFor();
  return page;
}

/** Points the demo page's did-this-solve widget at a subject of this test only. */
async function useSubject(page: Page, subject: string, agent = true) {
  await page.locator('careloop-did-this-solve').evaluate(
    (el, [subject, agent]) => {
      el.setAttribute('subject', subject as string);
      if (!agent) el.removeAttribute('agent-id');
    },
    [subject, agent],
  );
}

const checksFor = async (subject: string) =>
  (
    await h.api(
      `query($subject: String!) { feedback(first: 10, filter: { subject: $subject }) { totalCount edges { node { solved reason comment agentRating locale } } } }`,
      { subject },
    )
  ).feedback;

describe.skipIf(skipBrowserTests)('widgets in Chromium against a real server', () => {
  beforeAll(async () => {
    h = await startBrowserHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('did-this-solve: a No with reason, comment and agent rating is stored once the server acknowledges', async () => {
    const page = await open();
    await useSubject(page, 'test:did-this-solve');
    const widget = page.locator('careloop-did-this-solve');
    const submitted = widget.evaluate((el) => new Promise((resolve) => el.addEventListener('careloop-submitted', (e) => resolve((e as CustomEvent).detail))));
    await widget.getByRole('button', { name: 'No' }).click();
    await widget.getByLabel('The answer was wrong').check();
    await widget.getByLabel('Anything else').fill('The steps skip the e-mail confirmation.');
    await widget.getByRole('radio', { name: '4' }).check();
    await widget.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => widget.getByRole('status').textContent()).toBe('Thank you for your feedback');
    expect(await submitted).toMatchObject({ kind: 'resolution_check', id: expect.any(String) });
    // The No was stored when clicked; the rest completed that same row.
    await expect
      .poll(async () => (await checksFor('test:did-this-solve')).edges.map((e: any) => e.node))
      .toEqual([{ solved: false, reason: 'WRONG_ANSWER', comment: 'The steps skip the e-mail confirmation.', agentRating: 4, locale: 'en' }]);
    await expect.poll(() => page.evaluate(() => localStorage.getItem('careloop:pending'))).toBeNull();
  });

  it('did-this-solve with agent-id: Yes is stored when clicked, the rating given later completes the same row', async () => {
    const page = await open();
    await useSubject(page, 'test:yes-then-rating');
    const widget = page.locator('careloop-did-this-solve');
    await widget.getByRole('button', { name: 'Yes' }).click();
    // Stored before any rating: a person who leaves now is counted.
    await expect.poll(async () => (await checksFor('test:yes-then-rating')).edges.map((e: any) => e.node)).toEqual([
      { solved: true, reason: null, comment: null, agentRating: null, locale: 'en' },
    ]);
    await expect.poll(() => widget.getByRole('status').textContent()).toBe('Thank you for your feedback');
    // The rating question stays, with focus where the person is, not pulled to the status.
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'input' });
    await widget.getByRole('radio', { name: '5' }).check();
    await widget.getByRole('button', { name: 'Send' }).click();
    await expect.poll(async () => (await checksFor('test:yes-then-rating')).edges.map((e: any) => e.node)).toEqual([
      { solved: true, reason: null, comment: null, agentRating: 5, locale: 'en' },
    ]);
    await expect.poll(() => focused(page)).toEqual({ tag: 'p', text: 'Thank you for your feedback', role: 'status' });
    expect(await widget.getByRole('button').count()).toBe(0);

    // A person who leaves after Yes: the answer is there, unrated.
    const other = await open();
    await useSubject(other, 'test:yes-then-leave');
    await other.locator('careloop-did-this-solve').getByRole('button', { name: 'Yes' }).click();
    await expect.poll(async () => (await checksFor('test:yes-then-leave')).totalCount).toBe(1);
    await other.close();
    expect((await checksFor('test:yes-then-leave')).edges[0].node).toMatchObject({ solved: true, agentRating: null });
  });

  it('survey: required answers are checked, then the response is stored with its answers', async () => {
    const page = await open();
    const survey = page.locator('careloop-survey');
    await survey.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => survey.locator('.error').first().textContent()).toBe('Please answer this question.');
    expect(await focused(page)).toMatchObject({ tag: 'input' });

    await survey.getByRole('radio', { name: '5' }).check();
    await survey.getByLabel('Phone').check();
    await survey.getByLabel('What could we do better?').fill('Answer the phone faster, please.');
    const submitted = survey.evaluate((el) => new Promise((resolve) => el.addEventListener('careloop-submitted', (e) => resolve((e as CustomEvent).detail))));
    await survey.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => survey.getByRole('status').textContent()).toBe('Thank you for your feedback');
    const { id } = (await submitted) as { id: string };
    const { feedbackItem } = await h.api(`query($id: ID!) { feedbackItem(id: $id) { kind score survey { key } answers { questionKey value } } }`, { id });
    expect(feedbackItem).toMatchObject({ kind: 'SURVEY_RESPONSE', score: 5, survey: { key: 'demo-csat' } });
    expect(feedbackItem.answers).toEqual(
      expect.arrayContaining([
        { questionKey: 'satisfaction', value: 5 },
        { questionKey: 'channel', value: 'phone' },
        { questionKey: 'better', value: 'Answer the phone faster, please.' },
      ]),
    );
  });

  it('complaint form: files a complaint, shows its reference and tracking code and its timeline', async () => {
    const page = await open();
    const form = page.locator('careloop-complaint-form');
    await form.getByLabel('What is it about?').selectOption('delivery');
    await form.getByLabel('What happened?').fill('The parcel arrived two weeks late and the box was crushed.');
    await form.getByLabel('What would put it right?').fill('A replacement box');
    await form.getByLabel('Email').fill('li.wei@example.com');
    // The honeypot: out of people's and assistive tech's way.
    expect(await form.locator('input[name=website]').evaluate((el) => [el.getAttribute('tabindex'), el.getAttribute('aria-hidden'), el.getAttribute('autocomplete')])).toEqual(['-1', 'true', 'off']);
    await page.waitForTimeout(2100); // a person takes longer than the minimum time-to-submit
    await form.getByRole('button', { name: 'File complaint' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toContain('Your complaint has been filed');
    const [reference, token] = await form.locator('dd').allTextContents();
    expect(reference).toMatch(/^C-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await expect.poll(() => form.locator('ol li').count()).toBe(1);

    // Exactly one row, read back through the API key.
    const rows = await h.server.database.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.reference, reference!));
    expect(rows).toHaveLength(1);
    const { complaint } = await h.api(
      `query($id: ID!) { complaint(id: $id) { reference status category description desiredOutcome contact { email } context { subject } } }`,
      { id: encodeGlobalID('Complaint', rows[0]!.id) },
    );
    expect(complaint).toEqual({
      reference,
      status: 'NEW',
      category: 'DELIVERY',
      description: 'The parcel arrived two weeks late and the box was crushed.',
      desiredOutcome: 'A replacement box',
      contact: { email: 'li.wei@example.com' },
      context: { subject: 'demo' },
    });
    expect(token).toMatch(/\S{16,}/);
  });

  it('offline, reload, online: the answer is kept, then delivered exactly once', async () => {
    const page = await open();
    // page.route does not see the keepalive fetches a page sends while it unloads (pagehide):
    // DevTools' URL blocking, which does, blocks those.
    const offline = (route: Route) => route.abort('internetdisconnected');
    await page.route('**/graphql', offline);
    const cdp = await h.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setBlockedURLs', { urls: ['*/graphql*'] });
    await useSubject(page, 'test:offline', false);
    const widget = page.locator('careloop-did-this-solve');
    const queued = widget.evaluate((el) => new Promise((resolve) => el.addEventListener('careloop-queued', (e) => resolve((e as CustomEvent).detail))));
    await widget.getByRole('button', { name: 'Yes' }).click();
    expect(await queued).toMatchObject({ kind: 'resolution_check', idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(await widget.getByRole('status').textContent()).toBe('Saved; it will be sent as soon as possible');
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('careloop:pending') ?? '[]').length)).toBe(1);

    await page.waitForTimeout(300);
    expect((await checksFor('test:offline')).totalCount).toBe(0);
    // The reload fires pagehide, whose keepalive send Chromium makes from the browser process,
    // out of reach of page.route and DevTools blocking: it may arrive now. The reloaded page
    // still finds the answer pending and sends it again (blocked) until the network returns;
    // that second delivery must not make a second row.
    await page.reload();
    await expect.poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('careloop:pending') ?? '[]').length)).toBe(1);
    await page.waitForTimeout(500);
    expect((await checksFor('test:offline')).totalCount).toBeLessThanOrEqual(1);
    await page.unroute('**/graphql', offline);
    await cdp.send('Network.setBlockedURLs', { urls: [] });
    await expect.poll(async () => (await checksFor('test:offline')).totalCount, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.evaluate(() => localStorage.getItem('careloop:pending')), { timeout: 20_000 }).toBeNull();
    // Give any stray retry time to arrive: still one row.
    await page.waitForTimeout(1500);
    expect((await checksFor('test:offline')).totalCount).toBe(1);
  });

  it('offline, Yes then a rating: both parts wait in the browser, then make one rated row', async () => {
    const page = await open();
    const offline = (route: Route) => route.abort('internetdisconnected');
    await page.route('**/graphql', offline);
    await useSubject(page, 'test:offline-rated');
    const widget = page.locator('careloop-did-this-solve');
    await widget.getByRole('button', { name: 'Yes' }).click();
    await expect.poll(() => widget.getByRole('status').textContent()).toBe('Saved; it will be sent as soon as possible');
    await widget.getByRole('radio', { name: '2' }).check();
    await widget.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('careloop:pending') ?? '[]').length)).toBe(2);
    const keys = await page.evaluate(() => JSON.parse(localStorage.getItem('careloop:pending')!).map((p: any) => p.variables.input.idempotencyKey));
    expect(new Set(keys).size).toBe(1);
    await page.unroute('**/graphql', offline);
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await expect.poll(() => page.evaluate(() => localStorage.getItem('careloop:pending')), { timeout: 20_000 }).toBeNull();
    expect((await checksFor('test:offline-rated')).edges.map((e: any) => e.node)).toEqual([
      { solved: true, reason: null, comment: null, agentRating: 2, locale: 'en' },
    ]);
  });

  it('renders in zh-CN with the terms of the practice', async () => {
    const page = await open('/?lang=zh-CN');
    expect(await page.locator('careloop-did-this-solve').getByRole('button').allTextContents()).toEqual(['是', '否']);
    expect(await page.locator('careloop-did-this-solve [part=question]').textContent()).toBe('这解决了您的问题吗？');
    expect(await page.locator('careloop-survey [part=title]').textContent()).toBe('您对今天的服务满意吗?');
    expect(await page.locator('careloop-complaint-form').getByRole('button', { name: '提交投诉' }).count()).toBe(1);
    expect(await page.locator('careloop-complaint-form').getByLabel('投诉类别').count()).toBe(1);
    // The demo page's tracker: the finder, in Chinese.
    expect(await page.getByRole('heading', { name: '跟踪您的投诉' }).count()).toBe(1);
    expect(await page.locator('careloop-complaint-tracker').getByRole('button', { name: '查询投诉进度' }).count()).toBe(1);
  });

  it('can be completed with the keyboard alone; focus lands on the confirmation', async () => {
    const page = await open();
    await useSubject(page, 'test:keyboard');
    for (let i = 0; i < 20 && (await focused(page)).text !== 'Yes'; i++) await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Yes');
    await page.keyboard.press('Enter');
    // The agent question: its first choice has focus; arrows move within the group.
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'input' });
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Send');
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toEqual({ tag: 'p', text: 'Thank you for your feedback', role: 'status' });
    await expect
      .poll(async () => (await checksFor('test:keyboard')).edges.map((e: any) => e.node))
      .toEqual([expect.objectContaining({ solved: true, agentRating: 3 })]);
  });

  it('axe-core finds no violations on the demo page, in en and zh-CN', async () => {
    for (const path of ['/', '/?lang=zh-CN']) {
      const page = await open(path);
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const result = await (window as any).axe.run(document);
        return result.violations.map((v: any) => ({ id: v.id, nodes: v.nodes.map((n: any) => n.target) }));
      });
      expect(violations, path).toEqual([]);
    }
  });

  it('works under a strict Content-Security-Policy with no violation reported', async () => {
    const page = await h.context.newPage();
    pages.push(page);
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.addInitScript(() => {
      (window as any).__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const response = await page.goto(`${h.server.url}/`);
    expect(response?.headers()['content-security-policy']).toBe(DEMO_CSP);
    const survey = page.locator('careloop-survey');
    await survey.locator('form').waitFor();
    await survey.getByRole('radio', { name: '4' }).check();
    await survey.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => survey.getByRole('status').textContent()).toBe('Thank you for your feedback');
    expect(await page.evaluate(() => (window as any).__violations)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('renders text from the server as text, never as HTML', async () => {
    const payload = '<img src=x onerror="window.__xss=1">';
    const created = await h.api(
      `mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { __typename ... on Error { message } } }`,
      {
        input: {
          key: 'xss-probe',
          kind: 'CUSTOM',
          status: 'ACTIVE',
          title: [{ locale: 'en', text: payload }],
          questions: [
            {
              key: 'pick',
              type: 'SINGLE_CHOICE',
              labels: [{ locale: 'en', text: `Pick ${payload}` }],
              options: [
                { key: 'a', labels: [{ locale: 'en', text: payload }] },
                { key: 'b', labels: [{ locale: 'en', text: 'b' }] },
              ],
            },
          ],
        },
      },
    );
    expect(created.createSurvey.__typename).toBe('MutationCreateSurveySuccess');
    const page = await h.context.newPage();
    pages.push(page);
    await page.goto(`${h.server.url}/`);
    const survey = page.locator('careloop-survey');
    await survey.evaluate((el) => el.setAttribute('survey', 'xss-probe'));
    await survey.evaluate((el) => {
      // A fresh element, so it loads the probe survey.
      const copy = el.cloneNode() as Element;
      el.replaceWith(copy);
    });
    await expect.poll(() => survey.locator('[part=title]').textContent()).toBe(payload);
    expect(await survey.locator('legend').textContent()).toBe(`Pick ${payload}`);
    expect(await survey.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  });
});
