import { html } from 'lit/html.js';
import { type Outcome, useOperations } from '../internal/api.ts';
import { CareloopElement } from '../internal/base.ts';
import { SubmitResolutionCheck } from './operations.ts';
import type { Pending } from '../internal/queue.ts';
import { uuid } from '../internal/uuid.ts';
import { scale } from '../internal/fields.ts';
import { baseStyles } from '../internal/styles.ts';
import { didThisSolveStyles } from './did-this-solve.styles.ts';
import { REASONS } from '../internal/choices.ts';

useOperations({ SubmitResolutionCheck });

/**
 * "Did this solve your problem?" — Yes / No. A No asks why and for an optional comment; with
 * `agent-id`, a second question rates the person who helped (1–5).
 *
 * @summary Asks whether a page, an answer or a resolution solved the person's problem.
 *
 * @attr {string} site-key - The site's publishable key (`pk_…`). Required.
 * @attr {string} subject - What is judged: a page URL, `article:<id>`, `answer:<id>` or a complaint reference. Default: the page's URL.
 * @attr {string} agent-id - The agent who helped: adds the question "Did I help you?" (1–5).
 * @attr {string} touchpoint-id - The touchpoint this answer belongs to.
 * @attr {string} locale - A language tag: `en`, `zh-CN` or one the page registered (`careloop.registerTranslation`). Default: the closest `lang`, then the browser's language.
 * @attr {string} endpoint - The careloop server. Default: the origin the script came from.
 * @attr {string} customer-token - A signed, expiring customer token (JWT) naming the person.
 *
 * @fires careloop-submitted - The server stored the answer. `detail: { kind: 'resolution_check', id }`.
 * @fires careloop-queued - Offline: the answer is stored in the browser and will be sent. `detail: { kind, idempotencyKey }`.
 * @fires careloop-error - The server refused the answer. `detail: { kind, message }`.
 *
 * @csspart card - The box around the widget.
 * @csspart question - The question's text.
 * @csspart button - Every button.
 * @csspart field - Each group of choices.
 * @csspart label - The text of a field.
 * @csspart status - The status line (sending, saved offline, thank you, error); a live region.
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
export class CareloopDidThisSolve extends CareloopElement {
  static override styles = [baseStyles, didThisSolveStyles];
  static override properties = { solved: { state: true }, more: { state: true } };

  declare solved?: boolean;
  /** Yes or No is sent; the rest of the answer (a No's reason and comment, the rating) is being given. */
  declare more?: boolean;
  readonly kind = 'resolution_check' as const;
  /** The answer's idempotency key: the Yes/No and the rest of it complete one feedback. */
  #key = '';

  override render() {
    const t = this.t;
    return html`<div class="card" part="card" lang=${t.lang}>${this.more || this.phase == 'form' || this.phase == 'error' ? this.#form() : ''}${this.status()}</div>`;
  }

  #form() {
    const t = this.t;
    if (this.solved === undefined) {
      return html`<div class="actions" role="group" aria-labelledby="q">
        <p id="q" class="title" part="question">${t.solved}</p>
        <button part="button" @click=${() => this.#choose(true)}>${t.yes}</button>
        <button part="button" @click=${() => this.#choose(false)}>${t.no}</button>
      </div>`;
    }
    return html`<form @submit=${this.#send}>
      ${this.solved
        ? ''
        : html`<fieldset part="field">
              <legend part="label">${t.why}</legend>
              ${REASONS.map((r) => html`<label class="choice"><input type="radio" name="reason" value=${r} />${t.reasons[r]}</label>`)}
            </fieldset>
            <label part="label" for="comment">${t.comment}</label>
            <textarea id="comment" name="comment" maxlength="2000" rows="3"></textarea>`}
      ${this.agentId ? scale('rating', t.agent, 1, 5, t.scaleHint(1, 5)) : ''}
      <button part="button" type="submit">${t.send}</button>
    </form>`;
  }

  /** Yes or No is stored at once (a person who leaves then is counted); the rest follows under its key. */
  async #choose(solved: boolean) {
    this.solved = solved;
    this.#key = uuid();
    this.#send();
    if (solved && !this.agentId) return;
    this.more = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('input, textarea')?.focus();
  }

  /** While the rest is being given, the Yes/No's own outcome does not pull focus from the form. */
  protected override async focusStatus() {
    if (!this.more) return super.focusStatus();
  }

  /** A refusal for good ends the form: the rest could not be sent either. */
  protected override settle(item: Pending, outcome: Outcome) {
    if (!outcome.ok && !outcome.retry) this.more = false;
    super.settle(item, outcome);
  }

  #send(event?: Event) {
    event?.preventDefault();
    this.more = false;
    const data = new FormData((this.renderRoot.querySelector('form') ?? undefined) as HTMLFormElement | undefined);
    const rating = data.get('rating');
    this.submit('SubmitResolutionCheck', {
      subject: this.subject || location.href,
      solved: this.solved,
      reason: (data.get('reason') as string | null)?.toUpperCase(),
      comment: data.get('comment') || undefined,
      agentRating: rating ? Number(rating) : undefined,
    }, this.#key);
  }
}
