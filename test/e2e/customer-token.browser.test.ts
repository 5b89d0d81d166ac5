import { SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipBrowserTests, startBrowserHarness, type BrowserHarness } from './browser.ts';
import { createTestSurvey, openTestPage, recordedEvents, recordEvents } from './pages.ts';

let h: BrowserHarness;

/** What the company's backend does: HS256, sub = the customer's externalId, a short life. */
function customerToken(secret: string, externalId: string, claims: Record<string, unknown> = {}, expiresIn = '1h'): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(externalId)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

const feedbackOn = async (subject: string) =>
  (
    await h.api(
      `query($subject: String!) { feedback(first: 10, filter: { subject: $subject }) { totalCount edges { node { id solved customer { id externalId name } } } } }`,
      { subject },
    )
  ).feedback;

const pendingCount = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('careloop:pending') ?? '[]').length);

describe.skipIf(skipBrowserTests)('widgets with a customer token', () => {
  beforeAll(async () => {
    h = await startBrowserHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('did-this-solve: an answer sent with a valid token is linked to that customer (Feedback.customer, Customer.feedback)', async () => {
    const token = await customerToken(h.seeded.site.identitySecret, 'ext-browser-mei', { name: 'Mei Lin' }, '24h');
    const page = await openTestPage(h, `<careloop-did-this-solve site-key="{{siteKey}}" subject="test:token-valid" customer-token="${token}"></careloop-did-this-solve>`);
    const widget = page.locator('careloop-did-this-solve');
    await recordEvents(widget);
    await widget.getByRole('button', { name: 'Yes' }).click();
    await expect.poll(() => widget.getByRole('status').textContent()).toBe('Thank you for your feedback');
    const [event] = await recordedEvents(widget);
    expect(event).toEqual({ type: 'careloop-submitted', detail: { kind: 'resolution_check', id: expect.any(String) } });

    const stored = await feedbackOn('test:token-valid');
    expect(stored.edges.map((e: any) => e.node)).toEqual([
      { id: event!.detail.id, solved: true, customer: { id: expect.any(String), externalId: 'ext-browser-mei', name: 'Mei Lin' } },
    ]);
    const { customer } = await h.api(`query($id: ID!) { customer(id: $id) { externalId feedback(first: 10) { edges { node { id subject } } } } }`, {
      id: stored.edges[0].node.customer.id,
    });
    expect(customer).toEqual({ externalId: 'ext-browser-mei', feedback: { edges: [{ node: { id: event!.detail.id, subject: 'test:token-valid' } }] } });
    await page.close();
  });

  it('survey: a response sent with a valid token is linked to that customer', async () => {
    await createTestSurvey(h, 'token-survey');
    const token = await customerToken(h.seeded.site.identitySecret, 'ext-browser-zhang');
    const page = await openTestPage(h, `<careloop-survey site-key="{{siteKey}}" survey="token-survey" inline customer-token="${token}"></careloop-survey>`);
    const survey = page.locator('careloop-survey');
    await survey.locator('form').waitFor();
    await recordEvents(survey);
    await survey.getByRole('radio', { name: '2' }).check();
    await survey.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => survey.getByRole('status').textContent()).toBe('Thank you for your feedback');
    const [event] = await recordedEvents(survey);
    const { feedbackItem } = await h.api(`query($id: ID!) { feedbackItem(id: $id) { score survey { key } customer { externalId } } }`, { id: event!.detail.id });
    expect(feedbackItem).toEqual({ score: 2, survey: { key: 'token-survey' }, customer: { externalId: 'ext-browser-zhang' } });
    await page.close();
  });

  it('a forged, an expired or a too-long-lived token is refused: the widget says so, fires careloop-error, and nothing is stored or kept', async () => {
    const secret = h.seeded.site.identitySecret;
    const cases = [
      ['forged', await customerToken('not-the-identity-secret-of-this-site', 'ext-forger'), 'customer token signature is invalid'],
      ['expired', await customerToken(secret, 'ext-expired', {}, '-10m'), 'customer token has expired'],
      ['48h', await customerToken(secret, 'ext-long', {}, '48h'), 'customer token expires more than 24 hours ahead'],
    ] as const;
    for (const [name, token, reason] of cases) {
      const subject = `test:token-${name}`;
      const page = await openTestPage(h, `<careloop-did-this-solve site-key="{{siteKey}}" subject="${subject}" customer-token="${token}"></careloop-did-this-solve>`);
      const widget = page.locator('careloop-did-this-solve');
      await recordEvents(widget);
      await widget.getByRole('button', { name: 'Yes' }).click();
      const status = widget.getByRole('status');
      await expect.poll(() => status.textContent(), { message: name }).toBe(`Could not send: ${reason}`);
      expect(await status.getAttribute('class'), name).toBe('status error');
      // The refusal is announced where focus went, and the answer can be sent again.
      expect(await page.evaluate(() => document.querySelector('careloop-did-this-solve')!.shadowRoot!.activeElement?.getAttribute('role'))).toBe('status');
      expect(await widget.getByRole('button', { name: 'Send' }).count(), name).toBe(1);
      expect(await recordedEvents(widget), name).toEqual([{ type: 'careloop-error', detail: { kind: 'resolution_check', message: reason } }]);
      // A refusal is not retried: nothing waits in the browser, nothing reached the database.
      expect(await pendingCount(page), name).toBe(0);
      expect((await feedbackOn(subject)).totalCount, name).toBe(0);
      await page.close();
    }
    const { customers } = await h.api(`{ customers(first: 100) { edges { node { externalId } } } }`);
    expect(customers.edges.map((e: any) => e.node.externalId).filter((id: string) => ['ext-forger', 'ext-expired', 'ext-long'].includes(id))).toEqual([]);
  });
});
