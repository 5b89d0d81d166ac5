import { builder } from '../builder.ts';
import type { SubmissionContext } from '../db/tables/index.ts';
import { publicLimits } from './submission.ts';

/** Where a public submission came from. Every field optional, every text length-limited. */
export const SubmissionContextInput = builder.inputType('SubmissionContextInput', {
  description: 'Where a submission came from. Every field is optional; a blank one counts as absent.',
  fields: (t) => ({
    pageUrl: t.string({ description: `The page the widget was on, at most ${publicLimits.url} characters.` }),
    subject: t.string({ description: `What the page is about, e.g. article:<id>; at most ${publicLimits.subject} characters.` }),
    agentId: t.string({ description: `The agent who helped, as the company names them; at most ${publicLimits.id} characters.` }),
    touchpointId: t.string({ description: `The touchpoint that asked for the feedback; at most ${publicLimits.id} characters.` }),
    complaintReference: t.string({
      description: `The reference of the complaint the submission is about; at most ${publicLimits.reference} characters.`,
    }),
  }),
});

export const SubmissionContextType = builder.objectRef<SubmissionContext>('SubmissionContext').implement({
  description: 'Where a submission came from, as the widget said.',
  fields: (t) => ({
    pageUrl: t.exposeString('pageUrl', { nullable: true, description: 'The page the widget was on.' }),
    subject: t.exposeString('subject', { nullable: true, description: 'What the page is about, e.g. article:<id>.' }),
    agentId: t.exposeString('agentId', { nullable: true, description: 'The agent who helped.' }),
    touchpointId: t.exposeString('touchpointId', { nullable: true, description: 'The touchpoint that asked.' }),
    complaintReference: t.exposeString('complaintReference', { nullable: true, description: 'The complaint it is about.' }),
  }),
});
