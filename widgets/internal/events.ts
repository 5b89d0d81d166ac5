/** The kinds of submission, as the events' `detail.kind` names them. */
export type SubmissionKind = 'resolution_check' | 'survey_response' | 'complaint';

export interface SubmittedDetail {
  kind: SubmissionKind;
  /** The feedback id (surveys, resolution checks). */
  id?: string;
  /** The complaint's public reference. */
  reference?: string;
  /** The site's tracking page for the complaint (null without one): the link for a confirmation email. */
  trackingUrl?: string | null;
}

export interface QueuedDetail {
  kind: SubmissionKind;
  idempotencyKey: string;
}

export interface ErrorDetail {
  kind: SubmissionKind;
  message: string;
}

declare global {
  interface HTMLElementEventMap {
    /** The server acknowledged a submission. */
    'careloop-submitted': CustomEvent<SubmittedDetail>;
    /** A submission could not be sent yet; it is stored and will be retried. */
    'careloop-queued': CustomEvent<QueuedDetail>;
    /** The server refused a submission (or the survey could not be loaded). */
    'careloop-error': CustomEvent<ErrorDetail>;
  }
}
