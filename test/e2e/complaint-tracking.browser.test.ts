import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock/clock.ts';
import { fileComplaint, type FiledComplaint } from '../../server/complaints/complaints.service.ts';
import { siteTenant } from '../../server/tenant/tenant.ts';
import { complaints, complaintStatuses, events as history } from '../../server/db/tables/index.ts';
import { appendComplaintEvent } from '../api/complaints-fixtures.ts';
import { skipBrowserTests, startBrowserHarness, type BrowserHarness } from './browser.ts';
import { nextEvent, openTestPage, routeTestPage } from './pages.ts';

let h: BrowserHarness;

/** Files a complaint as the widget would (through the service, as the server does for it). */
async function file(description: string): Promise<FiledComplaint> {
  const receipt = await fileComplaint(siteTenant({ db: h.server.database.db, clock: systemClock }, h.seeded.site), {
    category: 'billing',
    description,
    elapsedMs: 5000,
    idempotencyKey: randomUUID(),
    locale: 'en',
  });
  // As the API spells a date (the service returns the database's text).
  return { ...receipt, createdAt: new Date(receipt.createdAt).toISOString() };
}

/** The public event the lifecycle records for a move to a status. */
const EVENT_OF: Partial<Record<string, string>> = { in_progress: 'handling_started' };

/**
 * What the lifecycle writes is simulated in the database, as
 * test/api/complaints-status.test.ts does — the status on the complaint, and a history entry
 * recording it (public ones form the customer's timeline).
 */
async function moveTo(reference: string, status: (typeof complaintStatuses)[number], at: string, visible = true) {
  const [row] = await h.server.database.db
    .update(complaints)
    .set({ status, updatedAt: at })
    .where(eq(complaints.reference, reference))
    .returning({ id: complaints.id, orgId: complaints.orgId });
  await appendComplaintEvent(h.server.database.db, row!, {
    type: `complaint.${EVENT_OF[status] ?? status}`,
    visibility: visible ? 'public' : 'internal',
    payload: { status },
    occurredAt: at,
  });
}

/** A public history entry that records no status: a note the customer may read. */
async function note(reference: string, at: string) {
  const [row] = await h.server.database.db.select({ id: complaints.id, orgId: complaints.orgId }).from(complaints).where(eq(complaints.reference, reference));
  await appendComplaintEvent(h.server.database.db, row!, { type: 'complaint.customer_note', visibility: 'public', occurredAt: at });
}

const tracker = (receipt: { reference: string; trackingToken: string }, attributes = '') =>
  `<careloop-complaint-form site-key="{{siteKey}}" reference="${receipt.reference}" token="${receipt.trackingToken}" ${attributes}></careloop-complaint-form>`;

/** The timeline as the person reads it: each entry's date (as the page formats it) and words. */
const timeline = (page: Page) =>
  page.locator('careloop-complaint-form [part=timeline] li').evaluateAll((items) =>
    items.map((li) => ({ at: li.querySelector('time')!.dateTime, text: li.textContent!.trim() })),
  );

describe.skipIf(skipBrowserTests)('<careloop-complaint-form>: following a complaint', () => {
  beforeAll(async () => {
    h = await startBrowserHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('with reference and token shows the reference and the public timeline, in en and zh-CN; no form, no question before it is resolved', async () => {
    const receipt = await file('The invoice charges the same order twice.');
    await moveTo(receipt.reference, 'acknowledged', '2099-01-01T09:00:00.000Z', false);
    await moveTo(receipt.reference, 'in_progress', '2099-01-01T10:00:00.000Z');
    await note(receipt.reference, '2099-01-01T11:00:00.000Z');

    const page = await openTestPage(h, tracker(receipt));
    const widget = page.locator('careloop-complaint-form');
    await expect.poll(() => widget.locator('[part=timeline] li').count()).toBe(3);
    expect(await widget.locator('[part=title]').textContent()).toBe('Track my complaint');
    expect(await widget.locator('dt').allTextContents()).toEqual(['Reference number', 'Tracking code (keep it to follow your complaint)']);
    expect(await widget.locator('dd').allTextContents()).toEqual([receipt.reference, receipt.trackingToken]);
    const dateOf = (at: string) => page.evaluate(([at, lang]) => new Date(at!).toLocaleString(lang), [at, 'en']);
    // Filed, then in progress, then a note (in words, not its type's name); the private triage
    // entry is not the customer's to see.
    expect(await timeline(page)).toEqual([
      { at: receipt.createdAt, text: `${await dateOf(receipt.createdAt)} Complaint filed` },
      { at: '2099-01-01T10:00:00.000Z', text: `${await dateOf('2099-01-01T10:00:00.000Z')} Being handled` },
      { at: '2099-01-01T11:00:00.000Z', text: `${await dateOf('2099-01-01T11:00:00.000Z')} Update` },
    ]);
    expect(await widget.locator('form').count()).toBe(0);
    expect(await widget.getByRole('button').count()).toBe(0);
    expect(await widget.getByRole('status').textContent()).toBe('');

    const zh = await openTestPage(h, tracker(receipt), { lang: 'zh-CN' });
    const zhWidget = zh.locator('careloop-complaint-form');
    await expect.poll(() => zhWidget.locator('[part=timeline] li').count()).toBe(3);
    expect(await zhWidget.locator('[part=title]').allTextContents()).toEqual(['查询投诉进度']);
    expect(await zhWidget.locator('dt').allTextContents()).toEqual(['投诉编号', '查询码（请保存，用于查询投诉进度）']);
    expect(await zhWidget.locator('.title:not([part])').textContent()).toBe('处理进度');
    const zhDate = (at: string) => zh.evaluate((at) => new Date(at).toLocaleString('zh-CN'), at);
    expect(await timeline(zh)).toEqual([
      { at: receipt.createdAt, text: `${await zhDate(receipt.createdAt)} 投诉已提交` },
      { at: '2099-01-01T10:00:00.000Z', text: `${await zhDate('2099-01-01T10:00:00.000Z')} 正在处理` },
      { at: '2099-01-01T11:00:00.000Z', text: `${await zhDate('2099-01-01T11:00:00.000Z')} 处理进展` },
    ]);
    await page.close();
    await zh.close();
  });

  it('a wrong tracking code says no complaint matches, shows no timeline and fires careloop-error, without pulling focus', async () => {
    const receipt = await file('The refund never arrived on my card.');
    const token = receipt.trackingToken;
    const wrong = { reference: receipt.reference, trackingToken: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` };
    for (const [lang, text] of [
      ['en', 'No complaint matches this reference number and tracking code. Please check both.'],
      ['zh-CN', '未找到与此投诉编号和查询码对应的投诉，请核对后重试。'],
    ] as const) {
      const page = await h.context.newPage();
      const url = `${h.server.url}/e2e/wrong-token-${lang}.html`;
      await routeTestPage(page, url, h, tracker(wrong), { lang });
      // Listening before the bundle runs: the lookup starts as soon as the element connects.
      await page.addInitScript(() => {
        (window as any).__errors = [];
        document.addEventListener('careloop-error', (e) => (window as any).__errors.push((e as CustomEvent).detail));
      });
      await page.goto(url);
      const widget = page.locator('careloop-complaint-form');
      await expect.poll(() => widget.getByRole('status').textContent()).toBe(text);
      expect(await widget.getByRole('status').getAttribute('class')).toBe('status error');
      expect(await widget.locator('[part=timeline]').count()).toBe(0);
      expect(await widget.getByRole('button').count()).toBe(0);
      expect(await page.evaluate(() => (window as any).__errors)).toEqual([{ kind: 'complaint', message: 'Complaint was not found' }]);
      expect(await page.evaluate(() => document.activeElement?.localName)).toBe('body');
      await page.close();
    }
  });

  it('after filing: reference, tracking code and timeline; once resolved, the two questions (answered in complaint-tracker.browser.test.ts)', async () => {
    const page = await openTestPage(h, `<careloop-complaint-form site-key="{{siteKey}}" subject="test:complaint-resolved"></careloop-complaint-form>`);
    const form = page.locator('careloop-complaint-form');
    await form.getByLabel('What is it about?').selectOption('service_attitude');
    await form.getByLabel('What happened?').fill('The agent hung up on me twice.');
    await page.waitForTimeout(2100); // a person takes longer than the minimum time-to-submit
    const filed = nextEvent(form, 'careloop-submitted');
    await form.getByRole('button', { name: 'File complaint' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('Your complaint has been filed. Thank you for telling us.');
    // The demo site has no tracking page: trackingUrl is null.
    const { reference, trackingUrl } = await filed;
    expect(trackingUrl).toBeNull();
    // The receipt renders after the status line (the form turns into its tracking mode): wait for it.
    const code = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;
    await expect.poll(() => form.locator('dd').allTextContents()).toEqual([reference, expect.stringMatching(code)]);
    const [, trackingToken] = await form.locator('dd').allTextContents();
    expect(await form.locator('[part=title]').textContent()).toBe('Track my complaint');
    await expect.poll(() => timeline(page)).toEqual([{ at: expect.any(String), text: expect.stringMatching(/Complaint filed$/) }]);
    expect(await form.getByRole('button').count()).toBe(0);

    await moveTo(reference, 'resolved', new Date().toISOString());
    // The person comes back later with the reference and code.
    const later = await openTestPage(h, tracker({ reference, trackingToken: trackingToken! }));
    const widget = later.locator('careloop-complaint-form');
    await expect.poll(() => timeline(later)).toEqual([
      { at: expect.any(String), text: expect.stringMatching(/Complaint filed$/) },
      { at: expect.any(String), text: expect.stringMatching(/Resolved$/) },
    ]);
    const question = widget.getByRole('group', { name: 'Is this solved? Is it the progress you hoped for?' });
    expect(await question.getByRole('radio').count()).toBe(2);
    expect(await widget.getByRole('button', { name: 'Send' }).count()).toBe(1);
    await page.close();
    await later.close();
  });

  it('after filing, the receipt is shown and kept in this browser even when the timeline lookup fails', async () => {
    const page = await openTestPage(h, `<careloop-complaint-form site-key="{{siteKey}}" subject="test:complaint-lookup-fails"></careloop-complaint-form>`);
    // Only the lookups (ComplaintStatus sends the reference and code) fail; the filing goes through.
    await page.route('**/graphql', (route) => (route.request().postDataJSON()?.variables?.trackingToken ? route.abort() : route.continue()));
    const form = page.locator('careloop-complaint-form');
    await form.getByLabel('What is it about?').selectOption('delivery');
    await form.getByLabel('What happened?').fill('The parcel never came and nobody wrote.');
    await page.waitForTimeout(2100); // a person takes longer than the minimum time-to-submit
    const filed = nextEvent(form, 'careloop-submitted');
    await form.getByRole('button', { name: 'File complaint' }).click();
    const { reference } = await filed;
    await expect
      .poll(() => form.locator('dd').allTextContents())
      .toEqual([reference, expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/)]);
    const kept = await page.evaluate(() =>
      Object.keys(localStorage)
        .filter((key) => key.startsWith('careloop:complaints:'))
        .flatMap((key) => JSON.parse(localStorage.getItem(key)!) as [string, string][]),
    );
    expect(kept.map(([r]) => r)).toContain(reference);
    await page.close();
  });

  it('an answer saved offline is sent after a reload, once, and closes the complaint', async () => {
    const receipt = await file('The replacement part does not fit either.');
    await moveTo(receipt.reference, 'resolved', '2099-03-01T08:00:00.000Z');
    const page = await h.context.newPage();
    const url = `${h.server.url}/e2e/offline-confirmation.html`;
    await routeTestPage(page, url, h, tracker(receipt));
    // Offline for submissions only: the timeline (a query, no idempotency key) still loads. A
    // keepalive send on pagehide shows no body here: it is a submission too.
    let offline = true;
    await page.route('**/graphql', (route) => {
      const body = route.request().postData();
      return offline && (!body || body.includes('"idempotencyKey"')) ? route.abort('internetdisconnected') : route.fallback();
    });
    await page.addInitScript(() => {
      (window as any).__events = [];
      for (const type of ['careloop-submitted', 'careloop-queued', 'careloop-error']) {
        document.addEventListener(type, (e) => (window as any).__events.push({ type, detail: (e as CustomEvent).detail }));
      }
    });
    await page.goto(url);
    const widget = page.locator('careloop-complaint-form');
    await widget.getByLabel('Yes').check();
    await widget.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => widget.getByRole('status').textContent()).toBe('Saved; it will be sent as soon as possible');
    expect(await page.evaluate(() => (window as any).__events.map((e: any) => e.detail.kind))).toEqual(['resolution_check']);
    // While it waits, the question is not offered again (a second answer would be refused).
    expect(await widget.getByRole('radio').count()).toBe(0);

    // Leaving the page sends it once more with keepalive (which the route does not see, so it may
    // arrive); it stays queued all the same, and the next page sends it again: the server answers
    // that repeat from its idempotency record.
    await page.reload();
    await expect.poll(() => timeline(page).then((entries) => entries.length)).toBeGreaterThanOrEqual(2);
    expect(await widget.getByRole('status').textContent()).toBe('Saved; it will be sent as soon as possible');
    expect(await widget.getByRole('radio').count()).toBe(0);
    offline = false;
    await expect.poll(() => widget.getByRole('status').textContent(), { timeout: 20_000 }).toBe('Thank you for your feedback');
    const events = await page.evaluate(() => (window as any).__events);
    expect(events.filter((e: any) => e.type == 'careloop-submitted')).toEqual([{ type: 'careloop-submitted', detail: { kind: 'resolution_check', reference: receipt.reference } }]);
    // Still this complaint's page: its reference, code and timeline, now closed.
    expect(await widget.locator('dd').allTextContents()).toEqual([receipt.reference, receipt.trackingToken]);
    await expect.poll(() => timeline(page).then((entries) => entries.at(-1)?.text)).toMatch(/Closed$/);
    const [row] = await h.server.database.db
      .select({ id: complaints.id, status: complaints.status })
      .from(complaints)
      .where(eq(complaints.reference, receipt.reference));
    expect(row!.status).toBe('closed');
    const confirmations = await h.server.database.db
      .select({ type: history.type })
      .from(history)
      .where(and(eq(history.aggregateId, row!.id), eq(history.type, 'complaint.resolution_confirmed')));
    expect(confirmations).toHaveLength(1);
    await page.close();
  });

  it('the timeline is looked up again when the person comes back to the page', async () => {
    const receipt = await file('The warranty claim form keeps timing out.');
    const page = await openTestPage(h, tracker(receipt));
    await expect.poll(() => timeline(page).then((entries) => entries.length)).toBe(1);
    await moveTo(receipt.reference, 'in_progress', new Date().toISOString());
    // Another tab was in front and this one comes back (the event a browser fires then).
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await expect.poll(() => timeline(page).then((entries) => entries.map((e) => e.text.split(' ').at(-1)))).toEqual(['filed', 'handled']);
    await page.close();
  });
});
