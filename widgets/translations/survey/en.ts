/** The survey's own texts, in its chunk (zh-CN's are in translations/zh-CN.ts, fetched on zh-CN pages). */
export interface SurveyTranslation {
  lang: string;
  required: string;
  close: string;
  loading: string;
  unavailable: string;
  /** What each scale's ends mean: satisfaction (RATING), likelihood to recommend (NPS), effort (CES). */
  hints: Record<'RATING' | 'NPS' | 'CES', string>;
}

export const surveyEn: SurveyTranslation = {
  lang: 'en',
  required: 'Please answer this question.',
  close: 'Close',
  loading: 'Loading…',
  unavailable: 'This survey is not available.',
  hints: {
    RATING: '1 = very dissatisfied, 5 = very satisfied',
    NPS: '0 = not at all likely, 10 = extremely likely',
    CES: '1 = very difficult, 7 = very easy',
  },
};
