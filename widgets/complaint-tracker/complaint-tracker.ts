import { CareloopComplaintForm } from '../complaint-form/complaint-form.ts';

/**
 * Follows complaints: the person enters a reference number and tracking code, or picks one of the
 * complaints filed or followed in this browser on this site (each with a control to forget it).
 * Shows the timeline, a reply box when the company asks for information and, once resolved, the
 * two questions: is it solved (a No asks what is still wrong and reopens it), and did the agent help.
 * The complaint form's tracking mode, with the finder in front (one implementation, a few bytes).
 *
 * @summary Follows a complaint: timeline, reply, confirmation.
 *
 * @attr {string} site-key - The site's publishable key (`pk_…`). Required.
 * @attr {string} reference - A complaint to show at once (with `token`), e.g. from the tracking page's URL.
 * @attr {string} token - Its tracking code.
 * @attr {string} locale - A language tag: `en`, `zh-CN` or one the page registered (`careloop.registerTranslation`). Default: the closest `lang`, then the browser's language.
 * @attr {string} endpoint - The careloop server. Default: the origin the script came from.
 *
 * @fires careloop-submitted - A reply was sent (`detail: { kind: 'complaint', reference }`) or the resolution answered (`kind: 'resolution_check'`).
 * @fires careloop-queued - Offline: the answer is stored in the browser and will be sent. `detail: { kind, idempotencyKey }`.
 * @fires careloop-error - No complaint matches the reference and code, or an answer was refused. `detail: { kind, message }`.
 *
 * @csspart card - The box around the tracker.
 * @csspart title - Its title.
 * @csspart list - This browser's complaints.
 * @csspart field - Each field.
 * @csspart label - The text of a field.
 * @csspart button - Every button.
 * @csspart reference - The reference number and tracking code of the complaint shown.
 * @csspart timeline - The list of progress entries.
 * @csspart status - The status line; a live region.
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
export class CareloopComplaintTracker extends CareloopComplaintForm {
  override finder = true;
}

if (!customElements.get('careloop-complaint-tracker')) customElements.define('careloop-complaint-tracker', CareloopComplaintTracker);

declare global {
  interface HTMLElementTagNameMap {
    'careloop-complaint-tracker': CareloopComplaintTracker;
  }
}
