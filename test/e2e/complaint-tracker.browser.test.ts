import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock/clock.ts';
import { fileComplaint } from '../../server/complaints/complaints.service.ts';
import { siteTenant } from '../../server/tenant/tenant.ts';
import { focused, skipBrowserTests, startBrowserHarness, type BrowserHarness } from './browser.ts';
import { openTestPage, recordedEvents, recordEvents } from './pages.ts';

let h: BrowserHarness;

/** Files a complaint as the widget would (through the service, as the server does for it). */
async function file(description: string) {
  return fileComplaint(siteTenant({ db: h.server.database.db, clock: systemClock }, h.seeded.site), {
    category: 'delivery',
    description,
    elapsedMs: 5000,
    idempotencyKey: randomUUID(),
    locale: 'en',
  });
}

/** One staff mutation with the demo organization's API key; throws unless it succeeds. */
async function staff(field: string, input: Record<string, unknown>) {
  const type = `${field[0]!.toUpperCase()}${field.slice(1)}Input`;
  const data = await h.api(`mutation($input: ${type}!) { ${field}(input: $input) { __typename ... on Error { message } } }`, { input });
  if (!data[field].__typename.endsWith('Success')) throw new Error(`${field}: ${JSON.stringify(data[field])}`);
}

const complaintId = async (reference: string) =>
  (await h.api(`query($r: String!) { complaintByReference(reference: $r) { id } }`, { r: reference })).complaintByReference.id as string;

let agentId: string;
/** Assigned to Mei (in progress), then, as asked, awaiting the customer or resolved. */
async function handled(reference: string, until: 'awaiting_customer' | 'resolved') {
  const id = await complaintId(reference);
  await staff('assignComplaint', { complaintId: id, agentId });
  if (until == 'awaiting_customer') await staff('requestCustomerInfo', { complaintId: id, message: 'Which order number was it?' });
  else await staff('resolveComplaint', { complaintId: id, resolution: 'A new parcel went out today.' });
}

const state = async (reference: string) =>
  (await h.api(`query($r: String!) { complaintByReference(reference: $r) { status reopenCount } }`, { r: reference })).complaintByReference;

const TRACKER = `<careloop-complaint-tracker site-key="{{siteKey}}"></careloop-complaint-tracker>`;

/** The timeline as the person reads it: each entry's words after its date. */
const timeline = (widget: Locator) =>
  widget.locator('[part=timeline] li').evaluateAll((items) =>
    items.map((li) => li.textContent!.replace(li.querySelector('time')!.textContent!, '').trim().replace(/\s+/g, ' ')),
  );

const remembered = (widget: Locator) => widget.locator('[part=list] li button:first-child').allTextContents();

/** Every button, field and choice of the widget is at least 24 × 24 px; nothing is wider than the page. */
async function checkLayout(page: Page, widget: Locator) {
  const sizes = await widget.evaluate((el) =>
    [...el.shadowRoot!.querySelectorAll('button, input:not([type=radio]):not(#website), textarea, .choice')].map((target) => {
      const box = target.getBoundingClientRect();
      return { target: target.outerHTML.slice(0, 60), width: box.width, height: box.height };
    }),
  );
  expect(sizes.length).toBeGreaterThan(0);
  for (const size of sizes) {
    expect(size.width, size.target).toBeGreaterThanOrEqual(24);
    expect(size.height, size.target).toBeGreaterThanOrEqual(24);
  }
  const overflow = await page.evaluate(() => {
    const card = document.querySelector('careloop-complaint-tracker')!.shadowRoot!.querySelector('.card')!;
    return { page: document.documentElement.scrollWidth - innerWidth, card: card.scrollWidth - card.clientWidth };
  });
  expect(overflow).toEqual({ page: 0, card: 0 });
}

describe.skipIf(skipBrowserTests)('<careloop-complaint-tracker>', () => {
  beforeAll(async () => {
    h = await startBrowserHarness();
    const created = await h.api(
      `mutation { createAgent(input: { name: "Mei", email: "mei@tracker.example" }) { __typename ... on MutationCreateAgentSuccess { data { id } } } }`,
    );
    agentId = created.createAgent.data.id;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('finds a complaint from a typed reference and code (by keyboard, as typed), remembers it across reloads, and forgets it', async () => {
    const receipt = await file('The parcel was sent to my old address.');
    const other = await file('The second parcel never came at all.');
    const page = await openTestPage(h, TRACKER);
    await page.setViewportSize({ width: 1280, height: 900 });
    const widget = page.locator('careloop-complaint-tracker');
    expect(await widget.locator('[part=title]').textContent()).toBe('Track my complaint');
    expect(await remembered(widget)).toEqual([]);

    // Keyboard only: the reference in lower case, the code with spaces and O for 0.
    await widget.getByLabel('Reference number').focus();
    await page.keyboard.type(receipt.reference.toLowerCase());
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'input' });
    await page.keyboard.type(receipt.trackingToken.replaceAll('-', ' ').replaceAll('0', 'O'));
    await page.keyboard.press('Enter');
    await expect.poll(() => timeline(widget)).toEqual(['Complaint filed']);
    expect(await widget.locator('dd').first().textContent()).toBe(receipt.reference);
    // The live region says it once, in words; a refresh does not repeat it.
    expect(await widget.getByRole('status').textContent()).toBe(`${receipt.reference}: Complaint filed`);
    expect(await remembered(widget)).toEqual([receipt.reference]);
    await checkLayout(page, widget);

    // The second one, then a wrong code: no complaint matches, nothing is remembered.
    await widget.getByLabel('Reference number').fill(other.reference);
    await widget.getByLabel('Tracking code').fill(other.trackingToken);
    await widget.getByRole('button', { name: 'Track my complaint' }).click();
    await expect.poll(() => remembered(widget)).toEqual([other.reference, receipt.reference]);
    await widget.getByLabel('Reference number').fill(receipt.reference);
    await widget.getByLabel('Tracking code').fill(other.trackingToken);
    await widget.getByRole('button', { name: 'Track my complaint' }).click();
    await expect.poll(() => widget.getByRole('status').textContent()).toBe(
      'No complaint matches this reference number and tracking code. Please check both.',
    );
    expect(await remembered(widget)).toEqual([other.reference, receipt.reference]);

    // A reload shows them; picking one shows its timeline.
    await page.reload();
    await expect.poll(() => remembered(widget)).toEqual([other.reference, receipt.reference]);
    await widget.getByRole('button', { name: receipt.reference, exact: true }).click();
    await expect.poll(() => widget.locator('dd').first().textContent()).toBe(receipt.reference);
    expect(await widget.getByRole('button', { name: receipt.reference, exact: true }).getAttribute('aria-current')).toBe('true');

    // Forget, by its own labelled control: gone from the list, from view and after a reload.
    await widget.getByRole('button', { name: `Forget ${receipt.reference}` }).click();
    expect(await remembered(widget)).toEqual([other.reference]);
    expect(await widget.locator('[part=timeline]').count()).toBe(0);
    await page.reload();
    await expect.poll(() => remembered(widget)).toEqual([other.reference]);
    await page.close();
  });

  it('a complaint filed with the form is in the tracker of the same site; other sites keep their own lists', async () => {
    const page = await openTestPage(h, `<careloop-complaint-form site-key="{{siteKey}}"></careloop-complaint-form>`);
    const form = page.locator('careloop-complaint-form');
    await form.getByLabel('What happened?').fill('The courier threw the parcel over the fence.');
    await page.waitForTimeout(2100); // a person takes longer than the minimum time-to-submit
    await form.getByRole('button', { name: 'File complaint' }).click();
    await expect.poll(() => form.locator('dd').count()).toBe(2);
    const [reference] = await form.locator('dd').allTextContents();
    const stored = await page.evaluate((key) => localStorage.getItem(`careloop:complaints:${key}`), h.seeded.site.publishableKey);
    expect(JSON.parse(stored!)[0]).toEqual([reference, expect.stringMatching(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/)]);
    const tracker = await openTestPage(h, TRACKER);
    await expect.poll(() => remembered(tracker.locator('careloop-complaint-tracker')).then((list) => list[0])).toBe(reference);
    const elsewhere = await openTestPage(h, `<careloop-complaint-tracker site-key="pk_other"></careloop-complaint-tracker>`);
    expect(await remembered(elsewhere.locator('careloop-complaint-tracker'))).toEqual([]);
    await page.close();
    await tracker.close();
    await elsewhere.close();
  });

  it('in en at 320 px: the resolved questions, no horizontal overflow, targets of at least 24 px', async () => {
    const receipt = await file('The parcel was left in the rain, soaked.');
    await handled(receipt.reference, 'resolved');
    const page = await openTestPage(h, TRACKER);
    await page.setViewportSize({ width: 320, height: 800 });
    const widget = page.locator('careloop-complaint-tracker');
    await widget.getByLabel('Reference number').fill(receipt.reference);
    await widget.getByLabel('Tracking code').fill(receipt.trackingToken);
    await widget.getByRole('button', { name: 'Track my complaint' }).click();
    await expect.poll(() => timeline(widget)).toEqual(['Complaint filed', 'Being handled', 'Resolved A new parcel went out today.']);
    await widget.getByLabel('No', { exact: true }).check();
    await widget.getByLabel('What is still wrong?').waitFor();
    await checkLayout(page, widget);
    await page.close();
  });

  it.each([320, 1280])('in zh-CN at %i px: the texts, no horizontal overflow, targets of at least 24 px', async (width) => {
    const receipt = await file('The parcel was left in the rain, all wet.');
    await handled(receipt.reference, 'resolved');
    const page = await openTestPage(h, TRACKER, { lang: 'zh-CN' });
    await page.setViewportSize({ width, height: 800 });
    const widget = page.locator('careloop-complaint-tracker');
    expect(await widget.locator('[part=title]').textContent()).toBe('查询投诉进度');
    await widget.getByLabel('投诉编号').fill(receipt.reference);
    await widget.getByLabel('查询码（请保存，用于查询投诉进度）').fill(receipt.trackingToken);
    await widget.getByRole('button', { name: '查询投诉进度' }).click();
    await expect.poll(() => timeline(widget)).toEqual(['投诉已提交', '正在处理', '已解决 A new parcel went out today.']);
    expect(await widget.getByRole('group', { name: '这个问题解决了吗？是您希望的进展吗？' }).getByRole('radio').count()).toBe(2);
    expect(await widget.getByRole('group', { name: 'Mei有没有帮到您？' }).getByRole('radio').count()).toBe(5);
    await widget.getByLabel('否').check();
    await widget.getByLabel('还有什么没有解决？').waitFor();
    await checkLayout(page, widget);
    await page.close();
  });

  it('shows the question asked, and a reply puts the complaint back in progress', async () => {
    const receipt = await file('Two items are missing from the box.');
    await handled(receipt.reference, 'awaiting_customer');
    const page = await openTestPage(h, `<careloop-complaint-tracker site-key="{{siteKey}}" reference="${receipt.reference}" token="${receipt.trackingToken}"></careloop-complaint-tracker>`);
    const widget = page.locator('careloop-complaint-tracker');
    await expect.poll(() => timeline(widget)).toEqual(['Complaint filed', 'Being handled', 'We need information from you Which order number was it?']);
    await recordEvents(widget);
    await widget.getByLabel('Your reply').fill('Order 4711, placed on Monday.');
    await widget.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => widget.getByRole('status').textContent()).toBe('Thank you for your feedback');
    expect(await timeline(widget)).toEqual([
      'Complaint filed',
      'Being handled',
      'We need information from you Which order number was it?',
      'Your reply Order 4711, placed on Monday.',
    ]);
    expect(await widget.getByLabel('Your reply').count()).toBe(0);
    expect((await state(receipt.reference)).status).toBe('IN_PROGRESS');
    expect(await recordedEvents(widget)).toEqual([{ type: 'careloop-submitted', detail: { kind: 'complaint', reference: receipt.reference } }]);
    await page.close();
  });

  it('after RESOLVED asks both questions; "not solved" asks what is still wrong and reopens it', async () => {
    const receipt = await file('The refund went to the wrong card.');
    await handled(receipt.reference, 'resolved');
    const page = await openTestPage(h, TRACKER);
    const widget = page.locator('careloop-complaint-tracker');
    await widget.getByLabel('Reference number').fill(receipt.reference);
    await widget.getByLabel('Tracking code').fill(receipt.trackingToken);
    await widget.getByRole('button', { name: 'Track my complaint' }).click();
    const matter = widget.getByRole('group', { name: 'Is this solved? Is it the progress you hoped for?' });
    await matter.waitFor();
    const person = widget.getByRole('group', { name: 'Did Mei help you?' });
    expect(await person.getByRole('radio').count()).toBe(5);
    expect(await widget.getByLabel('What is still wrong?').count()).toBe(0);
    await matter.getByLabel('No').check();
    await widget.getByLabel('What is still wrong?').fill('The money is still not on my card.');
    await person.getByLabel('4').check();
    await widget.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => widget.getByRole('status').textContent()).toBe('Thank you for your feedback');
    await expect.poll(() => timeline(widget).then((entries) => entries.at(-1))).toBe('Reopened The money is still not on my card.');
    expect(await matter.count()).toBe(0);
    expect(await state(receipt.reference)).toEqual({ status: 'REOPENED', reopenCount: 1 });
    await page.close();
  });

  it('"solved" closes it (in zh-CN), and the question is not asked again', async () => {
    const receipt = await file('The wrong colour was delivered twice.');
    await handled(receipt.reference, 'resolved');
    const page = await openTestPage(h, `<careloop-complaint-tracker site-key="{{siteKey}}" reference="${receipt.reference}" token="${receipt.trackingToken}"></careloop-complaint-tracker>`, {
      lang: 'zh-CN',
    });
    const widget = page.locator('careloop-complaint-tracker');
    await widget.getByRole('group', { name: '这个问题解决了吗？是您希望的进展吗？' }).getByLabel('是').check();
    await widget.getByRole('group', { name: 'Mei有没有帮到您？' }).getByLabel('5').check();
    await widget.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => widget.getByRole('status').textContent()).toBe('感谢您的反馈');
    await expect.poll(() => timeline(widget).then((entries) => entries.at(-1))).toBe('已结案');
    expect((await state(receipt.reference)).status).toBe('CLOSED');
    await page.reload();
    await expect.poll(() => timeline(widget).then((entries) => entries.length)).toBeGreaterThan(3);
    expect(await widget.getByRole('radio').count()).toBe(0);
    await page.close();
  });
});
