import { html } from 'lit/html.js';
import { callOperation, type Outcome, useOperations } from '../internal/api.ts';
import { CareloopElement } from '../internal/base.ts';
import { FileComplaint, ComplaintStatus, ReplyToComplaint, ConfirmComplaintResolution } from './operations.ts';
import { scale } from '../internal/fields.ts';
import { recall, remember } from '../internal/memory.ts';
import type { Pending } from '../internal/queue.ts';
import { baseStyles } from '../internal/styles.ts';
import { complaintFormStyles } from './complaint-form.styles.ts';
import { registerTranslation, shipTranslation } from '../internal/localize.ts';
import { complaintEn, type ComplaintTranslation } from '../translations/complaint/en.ts';
import type { Translation } from '../translations/en.ts';

useOperations({ FileComplaint, ComplaintStatus, ReplyToComplaint, ConfirmComplaintResolution });
// The complaint texts travel with this chunk (zh-CN in one of its own), not in the common one.
registerTranslation(complaintEn);
shipTranslation('zh-cn', () => import('../translations/complaint/zh-CN.ts'));

interface ComplaintStatus {
  reference: string;
  status: string;
  agentName?: string | null;
  canReply?: boolean;
  canConfirm?: boolean;
  timeline: { type: string; at: string; status: string | null; message?: string | null }[];
}

const field = (name: string, label: string, type = 'text', autocomplete = 'off', required = false) =>
  html`<label part="label" for=${name}>${label}</label><input part="field" id=${name} name=${name} type=${type} autocomplete=${autocomplete} ?required=${required} />`;

/**
 * A complaint form: category, description, desired outcome and optional contact details.
 * After filing it shows the reference number and tracking code and follows the complaint's
 * progress; with `reference` and `token` it shows that complaint's timeline, and once the
 * complaint is resolved asks whether it really is.
 *
 * @summary Files a complaint and follows its progress.
 *
 * @attr {string} site-key - The site's publishable key (`pk_…`). Required.
 * @attr {string} reference - A complaint's reference number: show its progress instead of the form (with `token`).
 * @attr {string} token - The complaint's tracking code.
 * @attr {string} subject - What the complaint is about (stored in the context).
 * @attr {string} agent-id - The agent involved, if any.
 * @attr {string} touchpoint-id - The touchpoint the complaint arose from.
 * @attr {string} locale - A language tag: `en`, `zh-CN` or one the page registered (`careloop.registerTranslation`). Default: the closest `lang`, then the browser's language.
 * @attr {string} endpoint - The careloop server. Default: the origin the script came from.
 * @attr {string} customer-token - A signed, expiring customer token (JWT) naming the person.
 *
 * @fires careloop-submitted - The complaint was filed (`detail: { kind: 'complaint', reference, trackingUrl }`: the site's tracking page for it, null without one) or the resolution confirmed (`kind: 'resolution_check'`).
 * @fires careloop-queued - Offline: the complaint is stored in the browser and will be sent. `detail: { kind, idempotencyKey }`.
 * @fires careloop-error - The server refused the complaint or the answer, or the complaint to follow could not be loaded (an unknown reference or code). `detail: { kind, message }`.
 *
 * @csspart card - The box around the form.
 * @csspart title - The form's title.
 * @csspart field - Each field.
 * @csspart label - The text of a field.
 * @csspart button - Every button.
 * @csspart reference - The reference number and tracking code.
 * @csspart timeline - The list of progress entries.
 * @csspart status - The status line (sending, saved offline, filed, error); a live region.
 *
 * @cssprop --careloop-accent - Buttons and focus ring. Default: #1d4ed8 (#93c5fd in dark mode).
 * @cssprop --careloop-accent-text - Text on buttons. Default: #fff (#111827 in dark mode).
 * @cssprop --careloop-background - Card background. Default: #fff (#111827 in dark mode).
 * @cssprop --careloop-text - Text colour. Default: #1f2937 (#f3f4f6 in dark mode).
 * @cssprop --careloop-border - Borders. Default: #6b7280 (#9ca3af in dark mode).
 * @cssprop --careloop-error - Error text. Default: #b91c1c (#fca5a5 in dark mode).
 * @cssprop --careloop-radius - Corner radius. Default: 8px.
 * @cssprop --careloop-font - Font shorthand. Default: inherited.
 * @cssprop --careloop-focus - Focus ring colour. Default: the accent.
 */
export class CareloopComplaintForm extends CareloopElement {
  static override styles = [baseStyles, complaintFormStyles];
  static override properties = {
    reference: {},
    token: {},
    tracked: { state: true },
    solved: { state: true },
  };

  declare reference?: string;
  declare token?: string;
  declare tracked?: ComplaintStatus;
  /** The answer chosen so far to "Is this solved?": a No asks what is still wrong. */
  declare solved?: string;
  kind: 'complaint' | 'resolution_check' = 'complaint';
  /** <careloop-complaint-tracker>: the code entry and this browser's complaints instead of the form. */
  finder = false;
  #shownAt = Date.now();

  override get t(): Translation & ComplaintTranslation {
    return super.t as Translation & ComplaintTranslation;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#shownAt = Date.now();
    this.#refresh();
    document.addEventListener('visibilitychange', this.#refresh);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#refresh);
  }

  /** The timeline again whenever the person comes back to the page: progress may have been made. */
  #refresh = () => {
    if (this.reference && this.token && document.visibilityState == 'visible') void this.track();
  };

  override render() {
    const t = this.t;
    const filed = this.reference && this.token;
    return html`<div class="card" part="card" lang=${t.lang}>
      <p class="title" part="title">${filed || this.finder ? t.track : t.complaint}</p>
      ${this.finder ? this.#entry() : ''}
      ${filed ? this.#progress() : this.finder || (this.phase != 'form' && this.phase != 'error') ? '' : this.form()} ${this.status()}
    </div>`;
  }

  private form() {
    const t = this.t;
    return html`<form @submit=${this.send}>
      <label part="label" for="category">${t.category}</label>
      <select part="field" id="category" name="category" required>
        ${Object.entries(t.categories).map(([id, label]) => html`<option value=${id}>${label}</option>`)}
      </select>
      <label part="label" for="description">${t.description}</label>
      <textarea part="field" id="description" name="description" rows="5" required minlength="10" maxlength="10000"></textarea>
      <label part="label" for="outcome">${t.outcome}</label>
      <textarea part="field" id="outcome" name="outcome" rows="2" maxlength="2000"></textarea>
      ${field('name', t.name, 'text', 'name')} ${field('email', t.email, 'email', 'email')} ${field('phone', t.phone, 'tel', 'tel')}
      <div class="hp" aria-hidden="true">
        <label for="website">${t.honeypot}</label>
        <input id="website" name="website" type="text" autocomplete="off" tabindex="-1" aria-hidden="true" />
      </div>
      <button part="button" type="submit">${t.fileComplaint}</button>
    </form>`;
  }

  private send(event: Event) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => (data.get(name) as string).trim() || undefined;
    this.kind = 'complaint';
    this.submit('FileComplaint', {
      category: (data.get('category') as string).toUpperCase(),
      description: data.get('description'),
      desiredOutcome: text('outcome'),
      contact: { name: text('name'), email: text('email'), phone: text('phone') },
      website: data.get('website'),
      elapsedMs: Date.now() - this.#shownAt,
    });
  }

  /** The complaints filed or followed in this browser on this site (reference and code), newest first. */
  get #kept(): string[][] {
    return JSON.parse(recall(`complaints:${this.siteKey}`) ?? '[]');
  }

  #keep(list: string[][]) {
    remember(`complaints:${this.siteKey}`, JSON.stringify(list));
    this.requestUpdate();
  }

  /** This browser's complaints, each with a control to forget it, and the reference and code to follow another. */
  #entry() {
    const t = this.t;
    return html`<ul part="list">
        ${this.#kept.map(
          ([reference, code]) =>
            html`<li>
              <button part="button" aria-current=${reference == this.reference} @click=${() => this.track(reference, code, true)}>${reference}</button>
              <button part="button" aria-label="${t.forget} ${reference}" @click=${() => this.#forget(reference)}>${t.forget}</button>
            </li>`,
        )}
      </ul>
      <form @submit=${this.#find}>
        ${field('reference', t.reference, 'text', 'off', true)} ${field('code', t.token, 'text', 'off', true)}
        <button part="button" type="submit">${t.track}</button>
      </form>`;
  }

  #find(event: Event) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    void this.track(data.get('reference') as string, data.get('code') as string, true);
  }

  #forget(reference: string) {
    this.#keep(this.#kept.filter(([r]) => r != reference));
    if (reference == this.reference) this.reference = this.token = this.tracked = undefined;
  }

  /** A reply or a confirmation: to whom the answer is (bare: no envelope, the code says whose). */
  protected override settle(item: Pending, outcome: Outcome): void {
    this.kind = item.operation == 'ConfirmComplaintResolution' ? 'resolution_check' : 'complaint';
    super.settle(item, outcome);
  }

  protected override acknowledged(data: any) {
    // A reply or a confirmation answers with the complaint as it is now.
    if (data.timeline) return void (this.tracked = data);
    this.message = this.t.filed;
    // The receipt is shown and kept at once: the timeline lookup after it may fail, the code must not be lost.
    this.#remember(data.reference, data.trackingToken);
    void this.track();
  }

  #remember(reference: string, token: string) {
    this.reference = reference;
    this.token = token;
    this.#keep([[reference, token], ...this.#kept.filter(([r]) => r != reference)]);
  }

  /**
   * The customer timeline; once found, the complaint is kept in this browser's list. A reference
   * and code that match nothing say so, never a bare error. `said`: asked for by the person, so
   * the live region announces where it stands (a refresh stays quiet).
   */
  private async track(reference = this.reference, token = this.token, said?: boolean) {
    // Its texts first (a zh-CN chunk may be on its way): the answer is told in them.
    while (!this.t) await new Promise((resolve) => setTimeout(resolve, 20));
    const outcome = await callOperation(this.url, this.siteKey, 'ComplaintStatus', { reference, trackingToken: token });
    if (outcome.ok) {
      const view: ComplaintStatus = (this.tracked = outcome.data);
      this.#remember(view.reference, token!);
      if (said) this.message = `${view.reference}: ${this.#text(view.timeline.at(-1)!)}`;
    } else this.fail(outcome.message, outcome.retry ? `${this.t.loadFailed} ${outcome.message}` : outcome.typed ? this.t.notFound : this.t.cannotSend);
  }

  #text(entry: ComplaintStatus['timeline'][number]) {
    return this.t.events[entry.type.slice(10)] ?? this.t.events.customer_note;
  }

  #progress() {
    const t = this.t;
    const tracked = this.tracked;
    const open = this.phase == 'form' || this.phase == 'error' || this.phase == 'done';
    return html`<dl part="reference">
        <dt>${t.reference}</dt>
        <dd>${this.reference}</dd>
        <dt>${t.token}</dt>
        <dd>${this.token}</dd>
      </dl>
      ${tracked
        ? html`<p class="title">${t.progress}</p>
            <ol part="timeline">
              ${tracked.timeline.map(
                (e) =>
                  html`<li>
                    <time datetime=${e.at}>${new Date(e.at).toLocaleString(t.lang)}</time> ${this.#text(e)} ${e.message ? html`<q>${e.message}</q>` : ''}
                  </li>`,
              )}
            </ol>
            ${open && tracked.canReply
              ? html`<form @submit=${this.#reply}>
                  <label part="label" for="reply">${t.events.customer_replied}</label>
                  <textarea part="field" id="reply" name="message" rows="3" required maxlength="5000"></textarea>
                  <button part="button" type="submit">${t.send}</button>
                </form>`
              : ''}
            ${open && tracked.canConfirm ? this.#confirmation(tracked) : ''}`
        : ''}`;
  }

  /** The two questions after a resolution, asked apart: about the matter, and about the person. */
  #confirmation(tracked: ComplaintStatus) {
    const t = this.t;
    const choice = (value: string, label: string) =>
      html`<label class="choice"><input type="radio" name="solved" value=${value} required />${label}</label>`;
    return html`<form @submit=${this.confirm} @change=${(e: Event) => (this.solved = (e.target as HTMLInputElement).form!.solved.value)}>
      <fieldset part="field">
        <legend part="label">${t.resolved}</legend>
        ${choice('1', t.yes)} ${choice('', t.no)}
      </fieldset>
      ${this.solved === ''
        ? html`<label part="label" for="why">${t.stillWrong}</label><textarea part="field" id="why" name="reason" rows="3" maxlength="5000"></textarea>`
        : ''}
      ${tracked.agentName ? scale('rating', t.helped(tracked.agentName), 1, 5, t.scaleHint(1, 5)) : ''}
      <button part="button" type="submit">${t.send}</button>
    </form>`;
  }

  #reply(event: Event) {
    event.preventDefault();
    this.#answer('ReplyToComplaint', { message: new FormData(event.target as HTMLFormElement).get('message') });
  }

  /** Solved closes the complaint; not solved reopens it with what is still wrong. */
  private confirm(event: Event) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const rating = data.get('rating');
    this.#answer('ConfirmComplaintResolution', {
      solved: !!data.get('solved'),
      reason: data.get('reason') || undefined,
      agentRating: rating ? +rating : undefined,
    });
  }

  #answer(operation: 'ReplyToComplaint' | 'ConfirmComplaintResolution', input: Record<string, unknown>) {
    this.solved = undefined;
    this.submit(operation, { reference: this.reference, trackingToken: this.token, ...input }, undefined, true);
  }
}
