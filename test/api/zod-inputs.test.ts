import { getNamedType, isInputObjectType, isNonNullType, type GraphQLInputObjectType } from 'graphql';
import { z } from 'zod';
import { expect, it } from 'vitest';
import { fileComplaintInput } from '../../server/complaints/complaints.input.ts';
import { createCustomerInput, identityFields, purchaseInput, updateCustomerInput } from '../../server/customers/customers.input.ts';
import { resolutionCheckInput } from '../../server/feedback/resolution-checks.service.ts';
import { apiKeyInput } from '../../server/organizations/organizations.service.ts';
import { schema } from '../../server/schema.ts';
import { createSiteInput, updateSiteInput } from '../../server/sites/sites.input.ts';
import { submitSurveyResponseInput } from '../../server/surveys/responses.service.ts';
import { createSurveyInput, updateSurveyInput } from '../../server/surveys/surveys.input.ts';

// Every GraphQL input made from a service's zod schema (server/shared/zod-input.ts), with the
// GraphQL-only fields the resolver adds (global ids). The input must have exactly the schema's
// fields plus those, each required in GraphQL exactly when zod requires it (except a field
// marked graphqlOptional, whose absence zod reports as a typed ValidationError), and each
// described in the words the zod schema carries.
const made: [string, z.ZodType, string[]][] = [
  ['CreateSiteInput', createSiteInput, []],
  ['UpdateSiteInput', updateSiteInput, ['id']],
  ['CreateApiKeyInput', apiKeyInput, []],
  ['CreateCustomerInput', createCustomerInput, []],
  ['UpdateCustomerInput', updateCustomerInput, ['id']],
  ['AddCustomerIdentityInput', z.object(identityFields), ['customerId']],
  ['RecordPurchaseInput', purchaseInput, ['customerId']],
  ['FileComplaintInput', fileComplaintInput, []],
  ['SubmitResolutionCheckInput', resolutionCheckInput, []],
  ['SubmitSurveyResponseInput', submitSurveyResponseInput, []],
  ['CreateSurveyInput', createSurveyInput, []],
  ['UpdateSurveyInput', updateSurveyInput, ['id']],
];

const shapeOf = (schema: z.ZodType): Record<string, z.ZodType> => {
  const def = schema._zod.def as { type: string; in?: z.ZodType; shape?: Record<string, z.ZodType> };
  return def.type === 'pipe' ? shapeOf(def.in!) : (schema as z.ZodObject).shape;
};

/**
 * Whether zod requires the key and refuses null (what GraphQL's `!` says). A field of any value
 * (z.unknown, GraphQL JSON!) is required as a key: zod refuses an object without it.
 */
const zodRequires = (field: z.ZodType) =>
  field._zod.optin !== 'optional' && (field._zod.def.type === 'unknown' || !field.safeParse(null).success);

function check(type: GraphQLInputObjectType, zodSchema: z.ZodType, extra: string[], seen: Set<string>) {
  if (seen.has(type.name)) return;
  seen.add(type.name);
  const shape = shapeOf(zodSchema);
  const fields = type.getFields();
  expect(Object.keys(fields).sort(), type.name).toEqual([...extra, ...Object.keys(shape)].sort());
  for (const [key, field] of Object.entries(shape)) {
    const meta = (field.meta() ?? {}) as { description?: string; graphqlOptional?: boolean };
    const gql = fields[key]!;
    expect(gql.description, `${type.name}.${key}`).toBe(meta.description);
    expect(isNonNullType(gql.type), `${type.name}.${key} required`).toBe(zodRequires(field) && !meta.graphqlOptional);
    const named = getNamedType(gql.type);
    if (isInputObjectType(named)) {
      // The nested input is made from the element (or object) schema inside this field.
      let inner: z.ZodType = field;
      for (;;) {
        const def = inner._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType; element?: z.ZodType };
        if (def.type === 'object') break;
        inner = def.type === 'array' ? def.element! : def.type === 'pipe' ? (def.in!._zod.def.type === 'transform' ? def.out! : def.in!) : def.innerType!;
      }
      check(named, inner, [], seen);
    }
  }
}

it('each input made from zod has exactly its fields, requiredness and descriptions', () => {
  const seen = new Set<string>();
  for (const [name, zodSchema, extra] of made) {
    const type = schema.getType(name);
    expect(isInputObjectType(type), name).toBe(true);
    check(type as GraphQLInputObjectType, zodSchema, extra, seen);
  }
  // The nested ones were reached through their parents.
  for (const nested of ['IdentityInput', 'ComplaintContactInput', 'SubmissionContextInput', 'SurveyAnswerInput', 'LocalizedTextInput', 'SurveyOptionInput', 'SurveyQuestionInput']) {
    expect(seen, nested).toContain(nested);
  }
});
