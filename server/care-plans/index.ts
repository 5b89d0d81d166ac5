/** What the scheduler (and other domains) use of care plans. */
export { occurrencesBetween } from './engine/occurrences.ts';
export { renderMessage, pickLocale, type MessageValues, type RenderedMessage } from './engine/messages.ts';
export { instantAt, localDateOf } from './engine/local-time.ts';
export type * from './engine/types.ts';
export { planFromRow, type CarePlanRow } from './stored.ts';
export { careSettingsOf, readCareSettings, DEFAULT_FATIGUE_CAP } from './care-settings.ts';
