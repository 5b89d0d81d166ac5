/** The whole-number scales of scored answers: one place for the validation and the schema's descriptions. */
export const answerScales = { rating: [1, 5], nps: [0, 10], ces: [1, 7] } as const;

/** The scale of a resolution check's rating of the agent. */
export const agentRatingScale = [1, 5] as const;

export const scaleText = ([min, max]: readonly [number, number]) => `${min}–${max}`;
