import { html } from 'lit';
import { callOperation, type Outcome } from '../internal/api.ts';
import { CareloopElement } from '../internal/base.ts';
import { recall, remember } from '../internal/memory.ts';
import type { Pending } from '../internal/queue.ts';
import { baseStyles } from '../internal/styles.ts';
import { complaintFormStyles } from './complaint-form.styles.ts';

interface ComplaintStatus {
  reference: string;
  status: string;
  timeline: { type: string; at: string; status: string | null }[];
}

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
 * @attr {string} locale - `en` or `zh-CN`. Default: the page's `lang`, then the browser's language.
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
  };

  declare reference?: string;
  declare token?: string;
  declare tracked?: ComplaintStatus;
  kind: 'complaint' | 'resolution_check' = 'complaint';
  private shownAt = Date.now();

  override connectedCallback(): void {
    super.connectedCallback();
    this.shownAt = Date.now();
    this.refresh();
    document.addEventListener('visibilitychange', this.refresh);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.refresh);
  }

  /** The timeline again whenever the person comes back to the page: progress may have been made. */
  private refresh = () => {
    if (this.reference && this.token && document.visibilityState == 'visible') void this.track();
  };

  override render() {
    const t = this.t;
    const filed = this.reference && this.token;
    return html`<div class="card" part="card" lang=${t.lang}>
      <p class="title" part="title">${filed ? t.track : t.complaint}</p>
      ${filed ? this.progress() : this.phase == 'form' || this.phase == 'error' ? this.form() : ''} ${this.status()}
    </div>`;
  }

  private form() {
    const t = this.t;
    const field = (name: string, label: string, type = 'text', autocomplete = 'off') =>
      html`<label part="label" for=${name}>${label}</label><input part="field" id=${name} name=${name} type=${type} autocomplete=${autocomplete} />`;
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
      elapsedMs: Date.now() - this.shownAt,
    });
  }

  /** A complaint or a confirmation, also one sent from an earlier page: the operation tells. */
  protected override settle(item: Pending, outcome: Outcome): void {
    this.kind = item.operation == 'FileComplaint' ? 'complaint' : 'resolution_check';
    super.settle(item, outcome);
  }

  protected override acknowledged(data: any) {
    if (this.kind != 'complaint') return void remember(`confirmed:${this.reference}`, new Date().toISOString());
    this.message = this.t.filed;
    this.reference = data.reference;
    this.token = data.trackingToken;
    void this.track();
  }

  /** The customer timeline. A reference and code that match nothing say so, never a bare error. */
  private async track() {
    const outcome = await callOperation(this.url, this.siteKey, 'ComplaintStatus', { reference: this.reference, trackingToken: this.token });
    if (outcome.ok) this.tracked = outcome.data;
    else this.fail(outcome.message, outcome.retry ? `${this.t.loadFailed} ${outcome.message}` : outcome.typed ? this.t.notFound : this.t.cannotSend);
  }

  private progress() {
    const t = this.t;
    const tracked = this.tracked;
    const format = (at: string) => new Date(at).toLocaleString(t.lang);
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
                (e) => html`<li><time datetime=${e.at}>${format(e.at)}</time> ${t.statuses[e.status ?? ''] ?? t.update}</li>`,
              )}
            </ol>`
        : ''}
      ${tracked?.status == 'RESOLVED' && (this.phase == 'form' || this.phase == 'error') && !this.answered(tracked)
        ? html`<div role="group" aria-labelledby="solved">
            <p id="solved" class="title">${t.resolved}</p>
            <button part="button" @click=${() => this.confirm(true)}>${t.yes}</button>
            <button part="button" @click=${() => this.confirm(false)}>${t.no}</button>
          </div>`
        : ''}`;
  }

  /** Answered in this browser since the complaint was last resolved (a reopened one asks again). */
  private answered(tracked: ComplaintStatus): boolean {
    const answeredAt = Date.parse(recall(`confirmed:${this.reference}`) ?? '');
    const resolvedAt = Math.max(...tracked.timeline.filter((e) => e.status == 'RESOLVED').map((e) => Date.parse(e.at)));
    return answeredAt >= resolvedAt;
  }

  /** The customer's word on a resolution: a resolution check on the complaint's reference. */
  private confirm(solved: boolean) {
    this.kind = 'resolution_check';
    this.submit('SubmitResolutionCheck', { subject: this.reference, solved, context: { complaintReference: this.reference } });
  }
}
