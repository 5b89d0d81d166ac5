import { html } from 'lit/html.js';
import { ReactiveElement, type PropertyDeclarations } from './element.ts';
import type { Translation } from '../translations/en.ts';
import { localize, translate } from './localize.ts';
import { graphqlUrl, type OperationName, type Outcome } from './api.ts';
import type { SubmissionKind } from './events.ts';
import { enqueue, pending, startQueue, subscribe, type Pending } from './queue.ts';
import { uuid } from './uuid.ts';

// This chunk's own URL (chunks sit beside the loader): the default endpoint is the origin the widgets came from.
const scriptUrl = import.meta.url;

export type Phase = 'form' | 'sending' | 'queued' | 'done' | 'error';

/** Attributes, the submit queue, events and the status line shared by every careloop element. */
export abstract class CareloopElement extends ReactiveElement {
  static override properties: PropertyDeclarations = {
    siteKey: { attribute: 'site-key' },
    locale: {},
    endpoint: {},
    customerToken: { attribute: 'customer-token' },
    agentId: { attribute: 'agent-id' },
    touchpointId: { attribute: 'touchpoint-id' },
    subject: {},
    phase: { state: true },
    message: { state: true },
  };

  declare siteKey: string;
  declare locale?: string;
  declare endpoint?: string;
  declare customerToken?: string;
  declare agentId?: string;
  declare touchpointId?: string;
  declare subject?: string;
  declare phase: Phase;
  declare message: string;

  abstract readonly kind: SubmissionKind;
  declare private unsubscribe?: () => void;

  constructor() {
    super();
    this.phase = 'form';
    this.message = '';
  }

  /** The texts of the `locale` attribute, else of the closest `lang`, else of the browser's language (./localize.ts). */
  get t(): Translation {
    return translate(this.locale || this.closest('[lang]')?.getAttribute('lang') || navigator.language)!;
  }

  /** Not before its texts are here (a shipped translation's chunk on its way). */
  protected override ready(): boolean {
    return !!this.t;
  }

  get url(): string {
    return graphqlUrl(this.endpoint, scriptUrl);
  }

  /** Names this widget's submissions, so after a reload it recognizes its own pending ones. */
  get owner(): string {
    return `${this.localName}|${this.subject ?? ''}`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    localize(this, true);
    startQueue();
    this.unsubscribe = subscribe((item, outcome) => item.owner == this.owner && this.settle(item, outcome));
    if (pending().some((item) => item.owner == this.owner)) this.phase = 'queued';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    localize(this, false);
    this.unsubscribe?.();
  }

  /**
   * The idempotency key is made when the person presses send (here, unless given: parts of one
   * answer sent one after the other share theirs) and kept with the submission. Each send is its
   * own queue entry, so a later part never replaces one not yet acknowledged.
   */
  protected submit(operation: OperationName, input: Record<string, unknown>, key = uuid(), bare?: boolean): void {
    const context = Object.fromEntries(
      Object.entries({ pageUrl: location.href, subject: this.subject, agentId: this.agentId, touchpointId: this.touchpointId }).filter(([, v]) => v),
    );
    // `bare`: an answer on a complaint already filed (its reference and code say whose), no envelope.
    const variables = {
      input: bare
        ? { ...input, idempotencyKey: key }
        : { ...input, idempotencyKey: key, locale: this.t.lang, customerToken: this.customerToken || undefined, context: { ...context, ...(input.context as object) } },
    };
    this.phase = 'sending';
    this.message = this.t.sending;
    void enqueue({ key: uuid(), owner: this.owner, url: this.url, siteKey: this.siteKey, operation, variables, tries: 0, createdAt: Date.now() });
  }

  /** The server's answer to one of this widget's submissions (now or from an earlier page). */
  protected settle(item: Pending, outcome: Outcome): void {
    if (outcome.ok) {
      this.phase = 'done';
      this.message = this.t.thanks;
      this.acknowledged(outcome.data);
      const d = outcome.data;
      this.emit('careloop-submitted', { kind: this.kind, id: d?.feedbackId, reference: d?.reference, trackingUrl: d?.trackingUrl });
    } else if (outcome.retry) {
      if (this.phase == 'queued') return;
      this.phase = 'queued';
      this.message = this.t.queued;
      this.emit('careloop-queued', { kind: this.kind, idempotencyKey: (item.variables.input as any).idempotencyKey });
    } else {
      // Refused for good, never queued: a typed error says what to correct; a wrong embed (site
      // key, origin) only that the form cannot send (the console tells the web team why).
      this.fail(outcome.message, outcome.typed ? undefined : this.t.cannotSend);
      return;
    }
    void this.focusStatus();
  }

  /**
   * A refusal, or a failed load: `shown` is what the person reads. Focus moves to it only when
   * a send was under way; a load that fails does not pull focus into the widget.
   */
  protected fail(message: string, shown = `${this.t.failed} ${message}`): void {
    const sent = this.phase == 'sending' || this.phase == 'queued';
    this.phase = 'error';
    this.message = shown;
    this.emit('careloop-error', { kind: this.kind, message });
    if (sent) void this.focusStatus();
  }

  /** Hook for what the server returned (a complaint's reference). */
  protected acknowledged(_data: any): void {}

  protected emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** After a send the form is gone: focus goes to the message that replaced it. */
  protected async focusStatus(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[role=status]')?.focus();
  }

  /** A live region, present from the first render so screen readers announce its changes. */
  protected status() {
    const text = this.phase == 'queued' && !this.message ? this.t.queued : this.message;
    return html`<p part="status" role="status" tabindex="-1" class=${this.phase == 'error' ? 'status error' : 'status'}>${text}</p>`;
  }
}
