/**
 * Documents and helpers for care-plans*.test.ts and the isolation walk: care plans and care
 * settings through the real API (yoga.fetch) with an API key.
 */
import { dataOf, type Caller } from '../helpers/api.ts';
import type { Json } from './care-team-fixtures.ts';

export const PLAN = `id name active createdAt updatedAt maxLatenessSeconds
  trigger { type days month day holiday product anchor startsOn }
  audience { tiers lifecycleStages tags specialNeeds siteIds }
  action { channel kind stage automated templates { locale text } leadTimeSeconds localTime }
  quietRules { weekdays minDaysSinceContact }
  exits { onContact onOpenComplaint onAudienceLeft }
  assigneeAgent { id } assigneeTeam { id }`;

export const SETTINGS = 'timeZone fatigueCap { maxTouchpoints perDays } holidays { key name month day dates }';

const result = (success: string, data: string) => `
  __typename
  ... on ${success} { data { ${data} } }
  ... on ValidationError { message issues { path message } }
  ... on ConflictError { field message }
  ... on NotFoundError { entity message }`;

/** A plan that needs nothing else: a birthday call. */
export const birthdayPlan = (name: string, extra: Json = {}): Json => ({
  name,
  trigger: { type: 'BIRTHDAY' },
  action: { channel: 'PHONE', kind: 'GREETING_BIRTHDAY' },
  ...extra,
});

export function carePlansOf(caller: Caller) {
  const mutate = async (field: string, inputType: string, data: string, input: Json) => {
    const name = field[0]!.toUpperCase() + field.slice(1);
    const response = await caller.gql(`mutation($input: ${inputType}!) { ${field}(input: $input) { ${result(`Mutation${name}Success`, data)} } }`, {
      input,
    });
    if (response.errors) return { __typename: 'GraphQLError', errors: response.errors } as Json;
    return dataOf(response)[field] as Json;
  };
  return {
    createCarePlan: (input: Json) => mutate('createCarePlan', 'CreateCarePlanInput', PLAN, input),
    updateCarePlan: (id: string, input: Json) => mutate('updateCarePlan', 'UpdateCarePlanInput', PLAN, { id, ...input }),
    activateCarePlan: (id: string) => mutate('activateCarePlan', 'CarePlanIdInput', PLAN, { id }),
    deactivateCarePlan: (id: string) => mutate('deactivateCarePlan', 'CarePlanIdInput', PLAN, { id }),
    updateCareSettings: (input: Json) => mutate('updateCareSettings', 'UpdateCareSettingsInput', SETTINGS, input),
    async carePlans(args: Json = {}): Promise<{ totalCount: number; pageInfo: Json; edges: { cursor: string; node: Json }[] }> {
      const query = `query($first: Int, $after: String, $filter: CarePlanFilter) {
        carePlans(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${PLAN} } } } }`;
      return dataOf(await caller.gql(query, args)).carePlans;
    },
    async careSettings(): Promise<Json> {
      return dataOf(await caller.gql(`{ careSettings { ${SETTINGS} } }`)).careSettings;
    },
  };
}
