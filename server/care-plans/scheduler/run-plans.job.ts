import { z } from 'zod';
import { defineJob } from '../../jobs/registry.ts';
import { runCarePlans } from './run.ts';

/**
 * Every minute: every organization's active plans materialize what falls due within their lead
 * time, exits cancel what no longer applies, and automated touchpoints whose time came are
 * announced (touchpoint.due). Safe to run twice or on two instances at once: every write is
 * once per occurrence (see write.ts), so a lost lease that runs it again creates nothing more.
 */
export const careRunPlans = defineJob({
  kind: 'care.run-plans',
  description: 'Runs the care plans: schedules due occurrences as touchpoints once each, records what is skipped and why, applies exits, announces automated touchpoints that are due.',
  payload: z.object({}),
  every: 'minute',
  periodicPayload: {},
  maxAttempts: 3,
  async handle(_payload, ctx) {
    const counts = await runCarePlans(ctx);
    if (counts.scheduled || counts.due || Object.keys(counts.skipped).length || Object.keys(counts.cancelled).length) {
      ctx.logger.info(counts, 'care plans run');
    }
  },
});
