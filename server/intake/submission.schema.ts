import { builder } from '../builder.ts';
import type { SubmissionContext } from '../db/tables/index.ts';

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
