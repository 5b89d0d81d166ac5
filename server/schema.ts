import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.ts';
import './shared/common.schema.ts';
import './organizations/organizations.schema.ts';
import './customers/customers.schema.ts';

builder.queryType({});
builder.mutationType({});

export const schema = lexicographicSortSchema(builder.toSchema());
