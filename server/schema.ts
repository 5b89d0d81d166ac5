import { isObjectType, lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import './shared/common.schema.ts';
import './organizations/organizations.schema.ts';
import './customers/customers.schema.ts';
import './sites/sites.schema.ts';
import './intake/submission.schema.ts';
import './surveys/surveys.schema.ts';
import './feedback/feedback.schema.ts';
import './care-team/care-team.schema.ts';
import './complaints/complaints.schema.ts';
import './customers/timeline/timeline.schema.ts';
import './complaints/inbox/inbox.schema.ts';
import './complaints/lifecycle/lifecycle.schema.ts';
import './complaints/sla/sla.schema.ts';
import './touchpoints/touchpoints.schema.ts';
import './touchpoints/customer-fields.schema.ts';
import './customers/contact-preferences.schema.ts';
import './jobs/jobs.schema.ts';
// After every domain whose types it shows (agents, teams, tiers, weekdays, touchpoint enums).
import './care-plans/care-plans.schema.ts';
import './care-plans/scheduler/scheduler.schema.ts';
// After the scheduler's (its occurrence status enum) and touchpoints' types.
import './care-plans/occurrences.schema.ts';

builder.queryType({ description: 'Reads. Most need an API key with the read scope; the public ones a site key.' });
builder.mutationType({ description: 'Changes. Each returns its result or a typed error (ValidationError, NotFoundError, ConflictError).' });

/**
 * plugin-drizzle 0.20.0 adds `totalCount` to its connections without a way to describe it (its
 * connection options describe the type, not this field), so it is described here.
 */
function describeTotalCounts(built: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(built.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const field = type.getFields().totalCount;
    if (field?.extensions?.pothosDrizzleTotalCount && !field.description) {
      field.description = 'How many items the whole connection holds, across all pages.';
    }
  }
  return built;
}

export const schema = lexicographicSortSchema(describeTotalCounts(builder.toSchema()));
