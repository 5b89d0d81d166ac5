/**
 * The script-tag entry: defines <careloop-did-this-solve>, <careloop-survey> and
 * <careloop-complaint-form>, <careloop-complaint-tracker>, and sends whatever earlier pages left in the submit queue.
 */
import { startQueue } from './internal/queue.ts';

export { CareloopDidThisSolve } from './did-this-solve/did-this-solve.ts';
export { CareloopSurvey } from './survey/survey.ts';
export { CareloopComplaintForm } from './complaint-form/complaint-form.ts';
export { CareloopComplaintTracker } from './complaint-tracker/complaint-tracker.ts';
export type { ErrorDetail, QueuedDetail, SubmissionKind, SubmittedDetail } from './internal/events.ts';

startQueue();
