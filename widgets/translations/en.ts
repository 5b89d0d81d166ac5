/** Every text a widget shows. Server texts (survey labels) come in the requested locale instead. */
export interface Translation {
  /** BCP 47 tag put on the widget's root, so assistive tech reads it in the right language. */
  lang: string;
  solved: string;
  yes: string;
  no: string;
  why: string;
  reasons: Record<'not_solved' | 'incomplete' | 'wrong_answer' | 'too_slow' | 'other', string>;
  comment: string;
  agent: string;
  /** The helpfulness scale's ends (did the agent help); a survey's scales have their own (survey/en.ts). */
  scaleHint: (from: number, to: number) => string;
  send: string;
  sending: string;
  thanks: string;
  /** A submission stored in the browser after a transient failure (offline, server busy or down). */
  queued: string;
  failed: string;
  /** A refusal no retry changes (the embed is wrong: site key, origin); nothing was stored. */
  cannotSend: string;
  /** Before the reason a survey or a complaint's progress could not be loaded. */
  loadFailed: string;
}

export const en: Translation = {
  lang: 'en',
  solved: 'Did this solve your problem?',
  yes: 'Yes',
  no: 'No',
  why: 'What went wrong?',
  reasons: {
    not_solved: 'It did not solve my problem',
    incomplete: 'The answer was incomplete',
    wrong_answer: 'The answer was wrong',
    too_slow: 'It took too long',
    other: 'Something else',
  },
  comment: 'Anything else you want to tell us? (optional)',
  agent: 'Did I help you?',
  scaleHint: (from, to) => `${from} = not at all, ${to} = very much`,
  send: 'Send',
  sending: 'Sending…',
  thanks: 'Thank you for your feedback',
  queued: 'Saved; it will be sent as soon as possible',
  failed: 'Could not send:',
  cannotSend: 'This form cannot send from this website; nothing was sent.',
  loadFailed: 'Could not load:',
};
