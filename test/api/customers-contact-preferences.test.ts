import { decodeGlobalID } from '@pothos/plugin-relay';
import { and, asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { events } from '../../server/db/tables/index.ts';
import { dataOf, type Caller, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { issuePaths, ok, type Json } from './customers-fixtures.ts';

const PROFILE = `id timeZone erased contactPreferences { channels optedOutOfCare optedOutAt }`;

async function create(caller: Caller, input: Json): Promise<Json> {
  return dataOf(await caller.gql(
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename
      ... on MutationCreateCustomerSuccess { data { ${PROFILE} } } ... on ValidationError { message issues { path message } } } }`,
    { input },
  )).createCustomer;
}

async function update(caller: Caller, id: string, input: Json): Promise<Json> {
  return dataOf(await caller.gql(
    `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { __typename
      ... on MutationUpdateCustomerSuccess { data { ${PROFILE} } } ... on ValidationError { message issues { path message } } } }`,
    { input: { id, ...input } },
  )).updateCustomer;
}

async function get(caller: Caller, id: string): Promise<Json | null> {
  return dataOf(await caller.gql(`query($id: ID!) { customer(id: $id) { ${PROFILE} } }`, { id })).customer;
}

it.beforeAll(({ api: _ }) => {});

it("keeps the customer's own IANA time zone; null hands it back to the organization's", async ({ api }) => {
  const person = ok(await create(api.asA, { name: 'Zoned', timeZone: 'Asia/Shanghai' }));
  expect(person.timeZone).toBe('Asia/Shanghai');
  expect(ok(await update(api.asA, person.id, { timeZone: 'America/New_York' })).timeZone).toBe('America/New_York');
  // Absent keeps it; null clears it.
  expect(ok(await update(api.asA, person.id, { name: 'Still zoned' })).timeZone).toBe('America/New_York');
  expect(ok(await update(api.asA, person.id, { timeZone: null })).timeZone).toBeNull();
  expect(ok(await create(api.asA, { name: 'Unzoned' })).timeZone).toBeNull();
});

it('refuses a time zone that is not an IANA zone, naming the field', async ({ api }) => {
  for (const timeZone of ['Mars/Olympus_Mons', 'GMT+25', '', 'Asia/Shanghai; drop table customers']) {
    expect(issuePaths(await create(api.asA, { timeZone })), timeZone).toEqual(['input.timeZone']);
  }
  const person = ok(await create(api.asA, { timeZone: 'Europe/Berlin' }));
  expect(issuePaths(await update(api.asA, person.id, { timeZone: 'Europe/Atlantis' }))).toEqual(['input.timeZone']);
  expect((await get(api.asA, person.id))!.timeZone).toBe('Europe/Berlin');
});

it("a merge keeps the target's time zone, else the source's; erasure clears it; export includes it", async ({ api }) => {
  const merge = async (sourceId: string, targetId: string) =>
    ok(dataOf(await api.asA.gql(
      `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { __typename ... on MutationMergeCustomersSuccess { data { ${PROFILE} } } } }`,
      { input: { sourceId, targetId } },
    )).mergeCustomers);
  const [a, b] = [ok(await create(api.asA, { timeZone: 'Asia/Tokyo' })), ok(await create(api.asA, { timeZone: 'Europe/Paris' }))];
  expect((await merge(a.id, b.id)).timeZone).toBe('Europe/Paris');
  const [c, d] = [ok(await create(api.asA, { timeZone: 'Asia/Tokyo' })), ok(await create(api.asA, {}))];
  expect((await merge(c.id, d.id)).timeZone).toBe('Asia/Tokyo');

  const exported = ok(dataOf(await api.asA.gql(
    `mutation($id: ID!) { exportCustomer(input: { id: $id }) { __typename ... on MutationExportCustomerSuccess { data } } }`,
    { id: d.id },
  )).exportCustomer);
  expect(exported.customer).toMatchObject({ timeZone: 'Asia/Tokyo' });

  const erased = ok(dataOf(await api.asA.gql(
    `mutation($id: ID!) { eraseCustomer(input: { id: $id }) { __typename ... on MutationEraseCustomerSuccess { data { ${PROFILE} } } } }`,
    { id: d.id },
  )).eraseCustomer);
  expect(erased).toMatchObject({ erased: true, timeZone: null });
});

async function setPreferences(caller: Caller, customerId: string, input: Json): Promise<Json> {
  return dataOf(await caller.gql(
    `mutation($input: UpdateContactPreferencesInput!) { updateContactPreferences(input: $input) { __typename
      ... on MutationUpdateContactPreferencesSuccess { data { ${PROFILE} } }
      ... on ValidationError { message issues { path message } } ... on NotFoundError { entity message } } }`,
    { input: { customerId, ...input } },
  )).updateContactPreferences;
}

/** The customer's events after its creation: type and payload, in order. */
async function customerEvents(api: TestApi, id: string) {
  const rows = await api.db.db
    .select({ type: events.type, payload: events.payload })
    .from(events)
    .where(and(eq(events.aggregateType, 'customer'), eq(events.aggregateId, decodeGlobalID(id).id)))
    .orderBy(asc(events.sequence));
  return rows.filter((row) => row.type !== 'customer.created');
}

it('a new customer may be contacted on any channel and has not opted out', async ({ api }) => {
  const person = ok(await create(api.asA, { name: 'Fresh' }));
  expect(person.contactPreferences).toEqual({ channels: null, optedOutOfCare: false, optedOutAt: null });
});

it('sets the allowed channels (duplicates dropped; null or empty = any), one event per change', async ({ api }) => {
  const person = ok(await create(api.asA, { name: 'Channels' }));
  expect(ok(await setPreferences(api.asA, person.id, { channels: ['EMAIL', 'SMS', 'EMAIL'] })).contactPreferences.channels).toEqual(['EMAIL', 'SMS']);
  // The same list in another order, or nothing said about channels: no change, no event.
  expect(ok(await setPreferences(api.asA, person.id, { channels: ['SMS', 'EMAIL'] })).contactPreferences.channels).toEqual(['EMAIL', 'SMS']);
  expect(ok(await setPreferences(api.asA, person.id, {})).contactPreferences.channels).toEqual(['EMAIL', 'SMS']);
  expect(ok(await setPreferences(api.asA, person.id, { channels: [] })).contactPreferences.channels).toBeNull();
  expect(ok(await setPreferences(api.asA, person.id, { channels: ['WECHAT'] })).contactPreferences.channels).toEqual(['WECHAT']);
  expect(ok(await setPreferences(api.asA, person.id, { channels: null })).contactPreferences.channels).toBeNull();
  expect(await customerEvents(api, person.id)).toEqual([
    { type: 'customer.contact_channels_changed', payload: { channels: ['email', 'sms'] } },
    { type: 'customer.contact_channels_changed', payload: { channels: null } },
    { type: 'customer.contact_channels_changed', payload: { channels: ['wechat'] } },
    { type: 'customer.contact_channels_changed', payload: { channels: null } },
  ]);
  // Updating the profile leaves the preferences alone.
  await setPreferences(api.asA, person.id, { channels: ['PHONE'], optedOutOfCare: true });
  expect(ok(await update(api.asA, person.id, { name: 'Renamed' })).contactPreferences).toMatchObject({ channels: ['PHONE'], optedOutOfCare: true });
});

it('opting out records when, once; opting back in clears it; each is one event', async ({ api }) => {
  const person = ok(await create(api.asA, { name: 'Opting' }));
  const t0 = new Date(Math.floor(Date.now() / 1000) * 1000);
  api.clock.set(t0);
  const out = ok(await setPreferences(api.asA, person.id, { optedOutOfCare: true })).contactPreferences;
  expect(out).toEqual({ channels: null, optedOutOfCare: true, optedOutAt: t0.toISOString() });
  api.clock.advance({ hours: 1 });
  // Saying it again keeps the first time.
  expect(ok(await setPreferences(api.asA, person.id, { optedOutOfCare: true })).contactPreferences.optedOutAt).toBe(t0.toISOString());
  expect(ok(await setPreferences(api.asA, person.id, { optedOutOfCare: false })).contactPreferences).toEqual({ channels: null, optedOutOfCare: false, optedOutAt: null });
  expect(ok(await setPreferences(api.asA, person.id, { optedOutOfCare: false })).contactPreferences.optedOutOfCare).toBe(false);
  expect((await customerEvents(api, person.id)).map((e) => e.type)).toEqual(['customer.care_opted_out', 'customer.care_opted_in']);
});

it('refuses an unknown channel, an erased customer and an unknown one as typed errors', async ({ api }) => {
  const person = ok(await create(api.asA, { name: 'Refused' }));
  const bad = await api.asA.gql(
    `mutation($input: UpdateContactPreferencesInput!) { updateContactPreferences(input: $input) { __typename } }`,
    { input: { customerId: person.id, channels: ['CARRIER_PIGEON'] } },
  );
  expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect((await setPreferences(api.asB, person.id, { optedOutOfCare: true })).__typename).toBe('NotFoundError');
  ok(dataOf(await api.asA.gql(`mutation($id: ID!) { eraseCustomer(input: { id: $id }) { __typename ... on MutationEraseCustomerSuccess { data { id } } } }`, { id: person.id })).eraseCustomer);
  expect(issuePaths(await setPreferences(api.asA, person.id, { optedOutOfCare: true }))).toEqual(['input.customerId']);
});

it('a merge keeps the stricter preferences: opted out wins, channels intersect (the target\'s when disjoint)', async ({ api }) => {
  const merge = async (source: Json, target: Json) => {
    const [s, t] = [ok(await create(api.asA, {})), ok(await create(api.asA, {}))];
    if (Object.keys(source).length) ok(await setPreferences(api.asA, s.id, source));
    if (Object.keys(target).length) ok(await setPreferences(api.asA, t.id, target));
    return ok(dataOf(await api.asA.gql(
      `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { __typename ... on MutationMergeCustomersSuccess { data { ${PROFILE} } } } }`,
      { input: { sourceId: s.id, targetId: t.id } },
    )).mergeCustomers).contactPreferences;
  };
  const t0 = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  api.clock.set(t0);
  expect(await merge({ optedOutOfCare: true }, {})).toMatchObject({ optedOutOfCare: true, optedOutAt: t0.toISOString() });
  expect(await merge({}, { optedOutOfCare: true })).toMatchObject({ optedOutOfCare: true });
  // Both opted out: the earlier time, when the person first said so (the source's here).
  const [s, t] = [ok(await create(api.asA, {})), ok(await create(api.asA, {}))];
  ok(await setPreferences(api.asA, s.id, { optedOutOfCare: true }));
  api.clock.advance({ hours: 1 });
  ok(await setPreferences(api.asA, t.id, { optedOutOfCare: true }));
  const both = ok(dataOf(await api.asA.gql(
    `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { __typename ... on MutationMergeCustomersSuccess { data { ${PROFILE} } } } }`,
    { input: { sourceId: s.id, targetId: t.id } },
  )).mergeCustomers);
  expect(both.contactPreferences.optedOutAt).toBe(t0.toISOString());
  expect(await merge({}, {})).toEqual({ channels: null, optedOutOfCare: false, optedOutAt: null });
  expect((await merge({ channels: ['EMAIL', 'SMS'] }, { channels: ['SMS', 'PHONE'] })).channels).toEqual(['SMS']);
  expect((await merge({ channels: ['EMAIL'] }, { channels: ['PHONE'] })).channels).toEqual(['PHONE']);
  expect((await merge({ channels: ['EMAIL'] }, {})).channels).toEqual(['EMAIL']);
  expect((await merge({}, { channels: ['WECHAT'] })).channels).toEqual(['WECHAT']);
});

it('export includes the preferences; erasure clears them', async ({ api }) => {
  const person = ok(await create(api.asA, { timeZone: 'Asia/Shanghai' }));
  ok(await setPreferences(api.asA, person.id, { channels: ['EMAIL'], optedOutOfCare: true }));
  const exported = ok(dataOf(await api.asA.gql(
    `mutation($id: ID!) { exportCustomer(input: { id: $id }) { __typename ... on MutationExportCustomerSuccess { data } } }`,
    { id: person.id },
  )).exportCustomer);
  expect(exported.customer).toMatchObject({ timeZone: 'Asia/Shanghai', contactChannels: ['email'] });
  expect(exported.customer.careOptedOutAt).toBeTruthy();
  const erased = ok(dataOf(await api.asA.gql(
    `mutation($id: ID!) { eraseCustomer(input: { id: $id }) { __typename ... on MutationEraseCustomerSuccess { data { ${PROFILE} } } } }`,
    { id: person.id },
  )).eraseCustomer);
  expect(erased).toMatchObject({ erased: true, timeZone: null, contactPreferences: { channels: null, optedOutOfCare: false, optedOutAt: null } });
});
