import { hashOf } from '../internal/operations.ts';

/** The operations this element sends (the build writes their hashes as constants). */
export const PublicSurvey = hashOf('PublicSurvey');
export const SubmitSurveyResponse = hashOf('SubmitSurveyResponse');
