import { questionTypes, surveyKinds, surveyStatuses } from '../db/tables/index.ts';
import { enumOf } from '../shared/enums.ts';
import { answerScales, scaleText } from '../shared/scales.ts';

const { rating, nps, ces } = answerScales;

export const SurveyStatusEnum = enumOf('SurveyStatus', surveyStatuses, {
  description: 'Only ACTIVE surveys are shown to widgets and accept responses.',
  values: {
    draft: 'Being written: not shown to widgets.',
    active: 'Shown to widgets and accepting responses.',
    archived: 'Hidden from widgets and closed to responses; its responses stay.',
  },
});
export const SurveyKindEnum = enumOf('SurveyKind', surveyKinds, {
  description: 'What a survey measures; CSAT, NPS and CES surveys derive a score from their first scored question.',
  values: {
    csat: `Customer satisfaction: the score is the first RATING answer (${scaleText(rating)}).`,
    nps: `Net Promoter Score: the score is the first NPS answer (${scaleText(nps)}).`,
    ces: `Customer effort: the score is the first CES answer (${scaleText(ces)}).`,
    custom: 'Any questions; no score.',
  },
});
export const QuestionTypeEnum = enumOf('QuestionType', questionTypes, {
  description: 'How a question is answered; the answer value follows from it.',
  values: {
    rating: `A whole number ${scaleText(rating)}.`,
    nps: `A whole number ${scaleText(nps)}: how likely the person is to recommend.`,
    ces: `A whole number ${scaleText(ces)}: how easy it was.`,
    single_choice: 'The id of one option.',
    multiple_choice: 'The ids of one or more options.',
    text: 'Free text.',
    yes_no: 'A boolean.',
  },
});
