/**
 * The complaint form's and tracker's own texts, in their chunk: a page without them does not
 * load these (README, "Widgets": loading only what a page uses).
 */
export interface ComplaintTranslation {
  lang: string;
  /** A complaint's progress asked for with a reference and tracking code that do not match. */
  notFound: string;
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

export const complaintEn: ComplaintTranslation = {
  lang: 'en',
  notFound: 'No complaint matches this reference number and tracking code. Please check both.',
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
