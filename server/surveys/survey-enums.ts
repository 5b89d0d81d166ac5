import { questionTypes, surveyKinds, surveyStatuses } from '../db/tables/index.ts';
import { enumOf } from '../shared/enums.ts';

export const SurveyStatusEnum = enumOf('SurveyStatus', surveyStatuses, 'Only ACTIVE surveys are shown to widgets and accept responses.');
export const SurveyKindEnum = enumOf(
  'SurveyKind',
  surveyKinds,
  'CSAT, NPS and CES surveys derive a score from their first RATING (1–5), NPS (0–10) or CES (1–7) question.',
);
export const QuestionTypeEnum = enumOf(
  'QuestionType',
  questionTypes,
  'RATING 1–5, NPS 0–10, CES 1–7 (whole numbers), SINGLE_CHOICE (an option id), MULTIPLE_CHOICE (option ids), TEXT, YES_NO (boolean).',
);
