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
  /** A complaint's progress asked for with a reference and tracking code that do not match. */
  notFound: string;
  required: string;
  close: string;
  loading: string;
  unavailable: string;
  complaint: string;
  category: string;
  categories: Record<
    'product_quality' | 'packaging' | 'defect' | 'misuse' | 'service_attitude' | 'service_process' | 'delivery' | 'billing' | 'other',
    string
  >;
  description: string;
  outcome: string;
  name: string;
  email: string;
  phone: string;
  honeypot: string;
  fileComplaint: string;
  filed: string;
  reference: string;
  token: string;
  track: string;
  progress: string;
  /** The customer's timeline, by event type after `complaint.`; an unknown one reads as customer_note. */
  events: Record<string, string>;
  /** Removes a remembered complaint from this browser's list. */
  forget: string;
  /** After a resolution: the question about the person who handled it. */
  helped: (agent: string) => string;
  /** After "not solved": what is still wrong (reopens the complaint). */
  stillWrong: string;
  resolved: string;
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
  notFound: 'No complaint matches this reference number and tracking code. Please check both.',
  required: 'Please answer this question.',
  close: 'Close',
  loading: 'Loading…',
  unavailable: 'This survey is not available.',
  complaint: 'File a complaint',
  category: 'What is it about?',
  categories: {
    product_quality: 'Product quality',
    packaging: 'Packaging',
    defect: 'A defect',
    misuse: 'Use of the product',
    service_attitude: 'Service attitude',
    service_process: 'Service process',
    delivery: 'Delivery',
    billing: 'Billing',
    other: 'Something else',
  },
  description: 'What happened? (at least 10 characters)',
  outcome: 'What would put it right? (optional)',
  name: 'Name (optional)',
  email: 'Email (optional)',
  phone: 'Phone (optional)',
  honeypot: 'Leave this field empty',
  fileComplaint: 'File complaint',
  filed: 'Your complaint has been filed. Thank you for telling us.',
  reference: 'Reference number',
  token: 'Tracking code (keep it to follow your complaint)',
  track: 'Track my complaint',
  progress: 'Progress',
  events: {
    filed: 'Complaint filed',
    acknowledged: 'Received by our team',
    handling_started: 'Being handled',
    info_requested: 'We need information from you',
    customer_replied: 'Your reply',
    customer_note: 'Update',
    resolved: 'Resolved',
    closed: 'Closed',
    reopened: 'Reopened',
  },
  forget: 'Forget',
  helped: (agent) => `Did ${agent} help you?`,
  stillWrong: 'What is still wrong?',
  resolved: 'Is this solved? Is it the progress you hoped for?',
};
