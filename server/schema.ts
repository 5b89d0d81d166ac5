import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.ts';
import './shared/common.schema.ts';
import './organizations/organizations.schema.ts';
import './customers/customers.schema.ts';
import './sites/sites.schema.ts';
import './intake/submission.schema.ts';
import './surveys/surveys.schema.ts';
import './feedback/feedback.schema.ts';
import './complaints/complaints.schema.ts';

builder.queryType({});
builder.mutationType({});

export const schema = lexicographicSortSchema(builder.toSchema());
