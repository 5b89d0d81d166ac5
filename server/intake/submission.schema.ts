import { builder } from '../builder.ts';
import type { SubmissionContext } from '../db/tables/index.ts';

/** Where a public submission came from. Every field optional, every text length-limited. */
export const SubmissionContextInput = builder.inputType('SubmissionContextInput', {
  fields: (t) => ({
    pageUrl: t.string(),
    subject: t.string(),
    agentId: t.string(),
    touchpointId: t.string(),
    complaintReference: t.string(),
  }),
});

export const SubmissionContextType = builder.objectRef<SubmissionContext>('SubmissionContext').implement({
  fields: (t) => ({
    pageUrl: t.exposeString('pageUrl', { nullable: true }),
    subject: t.exposeString('subject', { nullable: true }),
    agentId: t.exposeString('agentId', { nullable: true }),
    touchpointId: t.exposeString('touchpointId', { nullable: true }),
    complaintReference: t.exposeString('complaintReference', { nullable: true }),
  }),
});
