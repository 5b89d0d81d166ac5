import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLInputObjectType,
  type GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql';
import { expect, it } from 'vitest';
import { complaintLimits } from '../../server/complaints/complaints.input.ts';
import { schema } from '../../server/schema.ts';
import { limits } from '../../server/shared/limits.ts';

/** Every schema coordinate (Type, Type.field, Type.field(arg:), Enum.VALUE) that has no description. */
function undescribed(target: GraphQLSchema): string[] {
  const missing: string[] = [];
  const need = (coordinate: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(coordinate);
  };
  for (const type of Object.values(target.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    need(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) need(`${type.name}.${field.name}(${arg.name}:)`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) need(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) need(`${type.name}.${value.name}`, value.description);
    }
  }
  return missing.sort();
}

it('every type, field, argument, input field and enum value of the schema has a description', () => {
  expect(undescribed(schema)).toEqual([]);
});

it('the walk finds what lacks a description, at every kind of coordinate', () => {
  const bare = buildSchema(`
    "Described." type Query { "Described." field(arg: Int): Kind }
    enum Kind { ONE }
    input Filter { value: Int }
    "Described." type Mutation { "Described." set(filter: Filter): Int }
  `);
  expect(undescribed(bare)).toEqual(['Filter', 'Filter.value', 'Kind', 'Kind.ONE', 'Mutation.set(filter:)', 'Query.field(arg:)']);
});

it('limits in descriptions come from the constants the validation uses', () => {
  const fileComplaint = schema.getType('FileComplaintInput') as GraphQLInputObjectType;
  expect(fileComplaint.getFields().description!.description).toContain(
    `${complaintLimits.descriptionMin} to ${complaintLimits.description} characters`,
  );
  const first = schema.getQueryType()!.getFields().customers!.args.find((arg) => arg.name === 'first')!;
  expect(first.description).toContain(`at most ${limits.pageSize}`);
});

it('the standard scalars name their specification', () => {
  for (const name of ['Date', 'DateTime', 'JSON']) {
    expect((schema.getType(name) as GraphQLScalarType).specifiedByURL, name).toMatch(/^https?:\/\//);
  }
});
