import { html, nothing } from 'lit/html.js';
import { callOperation, useOperations } from '../internal/api.ts';
import { CareloopElement } from '../internal/base.ts';
import { registerTranslation } from '../internal/localize.ts';
import type { Translation } from '../translations/en.ts';
import { surveyEn, type SurveyTranslation } from '../translations/survey/en.ts';
import { PublicSurvey, SubmitSurveyResponse } from './operations.ts';
import { errorText, scale } from '../internal/fields.ts';
import { recall, remember } from '../internal/memory.ts';
import { baseStyles } from '../internal/styles.ts';
import { surveyStyles } from './survey.styles.ts';

useOperations({ PublicSurvey, SubmitSurveyResponse });
registerTranslation(surveyEn);

export interface Question {
  key: string;
  type: 'RATING' | 'NPS' | 'CES' | 'SINGLE_CHOICE' | 'MULTIPLE_CHOICE' | 'TEXT' | 'YES_NO';
  label: string;
  required: boolean;
  options: { key: string; label: string }[];
}

interface Survey {
  title: string;
  thankYou: string | null;
  questions: Question[];
}

const SCALES: Record<string, [number, number]> = { RATING: [1, 5], NPS: [0, 10], CES: [1, 7] };

/**
 * A survey defined in careloop (CSAT, NPS, CES or custom), fetched by its key and rendered in
 * the person's language: ratings, NPS, CES, single and multiple choice, text and yes/no.
 * Required answers are checked before sending.
 *
 * @summary Renders and submits a careloop survey.
 *
 * @attr {string} site-key - The site's publishable key (`pk_…`). Required.
 * @attr {string} survey - The survey's key, e.g. `checkout-csat`. Required.
 * @attr {boolean} inline - Render in place; without it the survey floats in a corner card that can be dismissed with its close button or Escape (remembered per survey).
 * @attr {string} subject - What the answers are about (stored in the context).
 * @attr {string} agent-id - The agent the answers are about.
 * @attr {string} touchpoint-id - The touchpoint the answers belong to.
 * @attr {string} locale - A language tag: `en`, `zh-CN` or one the page registered (`careloop.registerTranslation`). Default: the closest `lang`, then the browser's language.
 * @attr {string} endpoint - The careloop server. Default: the origin the script came from.
 * @attr {string} customer-token - A signed, expiring customer token (JWT) naming the person.
 *
 * @fires careloop-submitted - The server stored the response. `detail: { kind: 'survey_response', id }`.
 * @fires careloop-queued - Offline: the response is stored in the browser and will be sent. `detail: { kind, idempotencyKey }`.
 * @fires careloop-error - The survey could not be loaded or the server refused the response. `detail: { kind, message }`.
 *
 * @csspart card - The box around the survey.
 * @csspart title - The survey's title.
 * @csspart close - The dismiss button of the floating card.
 * @csspart field - Each question.
 * @csspart label - The text of a question.
 * @csspart button - The send button.
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
export class CareloopSurvey extends CareloopElement {
  static override styles = [baseStyles, surveyStyles];

  override get t(): Translation & SurveyTranslation {
    return super.t as Translation & SurveyTranslation;
  }

  static override properties = {
    survey: {},
    inline: { type: Boolean },
    data: { state: true },
    invalid: { state: true },
    dismissed: { state: true },
  };

  declare survey: string;
  declare inline: boolean;
  declare data?: Survey | null;
  declare invalid: Set<string>;
  declare dismissed: boolean;
  readonly kind = 'survey_response' as const;

  constructor() {
    super();
    this.inline = false;
    this.invalid = new Set();
    this.dismissed = false;
  }

  override get owner(): string {
    return `careloop-survey|${this.survey}`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.dismissed = !this.inline && recall(`dismissed:${this.survey}`) == '1';
    if (!this.dismissed) void this.#load();
  }

  async #load() {
    // Its texts first (a zh-CN chunk may be on its way): the request names the language, the answer is told in it.
    while (!this.t) await new Promise((resolve) => setTimeout(resolve, 20));
    const outcome = await callOperation(this.url, this.siteKey, 'PublicSurvey', { key: this.survey, locale: this.t.lang });
    if (outcome.ok) this.data = outcome.data;
    else this.fail(outcome.message, outcome.retry ? `${this.t.loadFailed} ${outcome.message}` : this.t.unavailable);
    if (outcome.ok && !outcome.data) this.message = this.t.unavailable;
  }

  #dismiss() {
    this.dismissed = true;
    remember(`dismissed:${this.survey}`);
  }

  /** Escape closes the floating card, as it closes any dialog. */
  #escape(event: KeyboardEvent) {
    if (event.key == 'Escape' && !this.inline) this.#dismiss();
  }

  override render() {
    if (this.dismissed) return '';
    const t = this.t;
    const survey = this.data;
    return html`<div class=${this.inline ? 'card' : 'card float'} part="card" lang=${t.lang} role=${this.inline ? 'group' : 'dialog'} aria-labelledby="title" @keydown=${this.#escape}>
      <div class="head">
        <p id="title" class="title" part="title">${survey?.title ?? t.loading}</p>
        ${this.inline ? '' : html`<button class="close" part="close" aria-label=${t.close} @click=${this.#dismiss}>×</button>`}
      </div>
      ${survey && (this.phase == 'form' || this.phase == 'error')
        ? html`<form novalidate @submit=${this.#send}>
            ${survey.questions.map((q) => this.#question(q))}
            <button part="button" type="submit">${t.send}</button>
          </form>`
        : ''}
      ${this.status()}
    </div>`;
  }

  #question(q: Question) {
    const error = this.invalid.has(q.key) ? this.t.required : '';
    const range = SCALES[q.type];
    if (range) return scale(q.key, q.label, range[0], range[1], this.t.hints[q.type as 'NPS'], error);
    if (q.type == 'TEXT') {
      return html`<div part="field">
        <label part="label" for=${q.key}>${q.label}</label>
        <textarea id=${q.key} name=${q.key} rows="3" maxlength="5000" aria-invalid=${error ? 'true' : 'false'}></textarea>
        ${errorText(q.key, error)}
      </div>`;
    }
    const options = q.type == 'YES_NO' ? [{ key: 'yes', label: this.t.yes }, { key: 'no', label: this.t.no }] : q.options;
    const type = q.type == 'MULTIPLE_CHOICE' ? 'checkbox' : 'radio';
    return html`<fieldset part="field" aria-describedby=${error ? `${q.key}-error` : nothing}>
      <legend part="label">${q.label}</legend>
      ${options.map((o) => html`<label class="choice"><input type=${type} name=${q.key} value=${o.key} />${o.label}</label>`)}
      ${errorText(q.key, error)}
    </fieldset>`;
  }

  async #send(event: Event) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const answers = [];
    const invalid = new Set<string>();
    for (const q of this.data!.questions) {
      const values = form.getAll(q.key).map(String).filter((v) => v.trim());
      if (!values.length) {
        if (q.required) invalid.add(q.key);
        continue;
      }
      const value =
        q.type == 'MULTIPLE_CHOICE' ? values : q.type == 'YES_NO' ? values[0] == 'yes' : q.type in SCALES ? Number(values[0]) : values[0];
      answers.push({ questionKey: q.key, value });
    }
    this.invalid = invalid;
    if (invalid.size) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>(`[name="${[...invalid][0]}"]`)?.focus();
      return;
    }
    this.submit('SubmitSurveyResponse', { surveyKey: this.survey, answers });
  }

  protected override acknowledged() {
    if (this.data?.thankYou) this.message = this.data.thankYou;
  }
}
