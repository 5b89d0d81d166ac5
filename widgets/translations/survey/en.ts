/** The survey's own texts, in its chunk (zh-CN's are in translations/zh-CN.ts, fetched on zh-CN pages). */
export interface SurveyTranslation {
  lang: string;
  required: string;
  close: string;
  loading: string;
  unavailable: string;
}

export const surveyEn: SurveyTranslation = {
  lang: 'en',
  required: 'Please answer this question.',
  close: 'Close',
  loading: 'Loading…',
  unavailable: 'This survey is not available.',
};
