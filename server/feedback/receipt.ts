import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.ts';

/**
 * What a widget gets back for a survey response or a resolution check: the Relay global id of
 * the stored Feedback node (so a retry can be matched to the first answer) and when it arrived.
 * The id is `feedbackId`, not `id`: a client cache keyed by id alone (Relay) would otherwise
 * take the receipt for the Feedback node itself. Shared by both public submissions, hence its
 * own file.
 */
export const FeedbackReceipt = builder.objectRef<{ id: string; createdAt: string }>('FeedbackReceipt').implement({
  description: 'Acknowledges a stored submission; a replay of the same idempotencyKey returns the same receipt.',
  fields: (t) => ({
    feedbackId: t.id({
      description: 'The global id of the stored Feedback (Feedback.id); a replay returns the same.',
      resolve: (r) => encodeGlobalID('Feedback', r.id),
    }),
    receivedAt: t.field({ type: 'DateTime', description: 'When the server stored it.', resolve: (r) => r.createdAt }),
  }),
});
