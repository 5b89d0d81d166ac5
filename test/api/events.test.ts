import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import {
  addCustomerIdentity,
  removeCustomerIdentity,
} from '../../server/customers/customers.identities.ts';
import { eraseCustomer, mergeCustomers } from '../../server/customers/customers.lifecycle.ts';
import { createCustomer, recordPurchase, updateCustomer } from '../../server/customers/customers.service.ts';
import { recomputeTiers } from '../../server/customers/customers.tiers.ts';
import { events } from '../../server/db/tables/index.ts';
import { createApiKey, revokeApiKey } from '../../server/organizations/organizations.service.ts';
import { createSite, rotateSiteKeys, updateSite } from '../../server/sites/sites.service.ts';
import { archiveSurvey, createSurvey, updateSurvey } from '../../server/surveys/surveys.service.ts';
import type { Tenant } from '../../server/tenant/tenant.ts';
import type { TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { complaintInput, fileComplaint } from './complaints-fixtures.ts';
import { check, customerToken, ok as received, submit } from './feedback-fixtures.ts';
import { texts, widgetOf } from './surveys-fixtures.ts';

/** Org A, for the services called directly, on the file's API (test/helpers/fixtures.ts). */
let a: Tenant;
it.beforeAll(({ api }) => {
  a = api.tenant(api.orgA.id);
});

const allEvents = (api: TestApi) => api.db.db.select().from(events).orderBy(asc(events.occurredAt), asc(events.sequence), asc(events.id));

/** The events `work` recorded: every row of the events table that was not there before. */
async function recorded<T>(api: TestApi, work: () => Promise<T>): Promise<{ result: T; list: (typeof events.$inferSelect)[] }> {
  const before = new Set((await allEvents(api)).map((e) => e.id));
  const result = await work();
  return { result, list: (await allEvents(api)).filter((e) => !before.has(e.id)) };
}

/** Exactly one event, of this type, about this aggregate, in org A, at the clock's time. */
async function one<T>(api: TestApi, work: () => Promise<T>, type: string, aggregate: (result: T) => [string, string]) {
  api.clock.advance(1000);
  const { result, list } = await recorded(api, work);
  expect(list.map((e) => e.type)).toEqual([type]);
  const event = list[0]!;
  const [aggregateType, aggregateId] = aggregate(result);
  expect(event).toMatchObject({ orgId: api.orgA.id, aggregateType, aggregateId, actorType: 'system', actorId: 'test' });
  expect(new Date(event.occurredAt).toISOString()).toBe(api.clock.now().toISOString());
  return { event, result };
}

/** The work fails and records nothing. */
async function none(api: TestApi, work: () => Promise<unknown>) {
  const { list } = await recorded(api, () => work().then(() => expect.unreachable('should have failed'), () => undefined));
  expect(list).toEqual([]);
}

const PERSONAL = ['Eve Example', 'eve@example.com', 'eve-1', '+8613800138000', 'eve_wx', 'a gift for my mother', 'Kettle'];

describe('one event per successful mutation', () => {
  it('customers: created, updated, identity added and removed, purchase, merged, tiers, erased', async ({ api }) => {
    const { event: created, result: eve } = await one(
      api,
      () => createCustomer(a, { name: 'Eve Example', email: 'eve@example.com', externalId: 'eve-1' }),
      'customer.created',
      (c) => ['customer', c.id],
    );
    expect(created).toMatchObject({ sequence: 1, visibility: 'internal', payload: { fields: ['email', 'externalId', 'name'] } });

    const { event: updated } = await one(api, () => updateCustomer(a, eve.id, { phone: '+8613800138000', tags: ['vip'] }), 'customer.updated', () => ['customer', eve.id]);
    expect(updated).toMatchObject({ sequence: 2, payload: { fields: ['phone', 'tags'] } });

    const { event: added, result: withWx } = await one(
      api,
      () => addCustomerIdentity(a, eve.id, { channel: 'wechat', value: 'eve_wx' }),
      'customer.identity_added',
      () => ['customer', eve.id],
    );
    expect(added).toMatchObject({ sequence: 3, payload: { channel: 'wechat', identityId: expect.any(String) } });
    void withWx;
    const identityId = (added.payload as { identityId: string }).identityId;
    const { event: removed } = await one(api, () => removeCustomerIdentity(a, identityId), 'customer.identity_removed', () => ['customer', eve.id]);
    expect(removed).toMatchObject({ sequence: 4, payload: { channel: 'wechat', identityId } });

    const { event: purchase, result: bought } = await one(
      api,
      () => recordPurchase(a, eve.id, { product: 'Kettle', purchasedAt: '2026-05-01T10:00:00Z', value: 30, reason: 'a gift for my mother' }),
      'customer.purchase_recorded',
      () => ['customer', eve.id],
    );
    expect(purchase).toMatchObject({ sequence: 5, payload: { purchaseId: bought.id } });

    const source = await createCustomer(a, { name: 'Eve again' });
    const { event: merged } = await one(api, () => mergeCustomers(a, source.id, eve.id), 'customer.merged', () => ['customer', eve.id]);
    expect(merged).toMatchObject({ sequence: 6, payload: { sourceId: source.id } });

    const { event: tiers } = await one(api, () => recomputeTiers(a), 'organization.tiers_recomputed', () => ['organization', api.orgA.id]);
    expect(tiers.payload).toEqual({ a: expect.any(Number), b: expect.any(Number), c: expect.any(Number) });

    const { event: erased } = await one(api, () => eraseCustomer(a, eve.id), 'customer.erased', () => ['customer', eve.id]);
    expect(erased).toMatchObject({ sequence: 7, payload: {} });
    // Erasing again changes nothing and records nothing.
    expect((await recorded(api, () => eraseCustomer(a, eve.id))).list).toEqual([]);

    // The erased customer's history holds no personal data.
    const history = await api.db.db
      .select()
      .from(events)
      .where(and(eq(events.orgId, api.orgA.id), eq(events.aggregateId, eve.id)))
      .orderBy(asc(events.sequence));
    expect(history.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const text = JSON.stringify(history);
    for (const value of PERSONAL) expect(text).not.toContain(value);
  });

  it('sites: created, updated, keys rotated', async ({ api }) => {
    const { event: created, result: site } = await one(
      api,
      () => createSite(a, { name: 'Shop', allowedOrigins: ['https://shop.example.com'] }),
      'site.created',
      (s) => ['site', s.id],
    );
    expect(created).toMatchObject({ sequence: 1, payload: { fields: ['allowedOrigins', 'name'] } });
    const { event: updated } = await one(api, () => updateSite(a, site.id, { name: 'Shop 2' }), 'site.updated', () => ['site', site.id]);
    expect(updated).toMatchObject({ sequence: 2, payload: { fields: ['name'] } });
    const { event: rotated } = await one(api, () => rotateSiteKeys(a, site.id), 'site.keys_rotated', () => ['site', site.id]);
    expect(rotated).toMatchObject({ sequence: 3, payload: {} });
    expect(JSON.stringify(rotated)).not.toContain(site.publishableKey);
  });

  it('surveys: created, updated, archived (archiving again records nothing)', async ({ api }) => {
    const input = {
      key: 'csat-events',
      kind: 'csat',
      defaultLocale: 'en',
      title: texts({ en: 'How was it?' }),
      questions: [{ type: 'rating', key: 'rating', labels: texts({ en: 'Rate us' }) }],
    };
    const { event: created, result: survey } = await one(api, () => createSurvey(a, input), 'survey.created', (s) => ['survey', s.id]);
    expect(created).toMatchObject({ sequence: 1, payload: { key: 'csat-events', kind: survey.kind, status: survey.status } });
    const { event: updated } = await one(api, () => updateSurvey(a, survey.id, { title: texts({ en: 'How did we do?' }) }), 'survey.updated', () => ['survey', survey.id]);
    expect(updated).toMatchObject({ sequence: 2, payload: { fields: ['title'] } });
    const { event: archived } = await one(api, () => archiveSurvey(a, survey.id), 'survey.archived', () => ['survey', survey.id]);
    expect(archived).toMatchObject({ sequence: 3, payload: {} });
    expect((await recorded(api, () => archiveSurvey(a, survey.id))).list).toEqual([]);
  });

  it('API keys: created, revoked (revoking again records nothing)', async ({ api }) => {
    const { event: created, result } = await one(
      api,
      () => createApiKey(a, { name: 'events', scopes: ['read'] }),
      'api_key.created',
      (r) => ['api_key', r.row.id],
    );
    expect(created).toMatchObject({ sequence: 1, payload: { scopes: ['read'] } });
    expect(JSON.stringify(created)).not.toContain(result.key);
    expect(JSON.stringify(created)).not.toContain(result.row.keyHash);
    await one(api, () => revokeApiKey(a, result.row.id), 'api_key.revoked', () => ['api_key', result.row.id]);
    const again = await recorded(api, () => revokeApiKey(a, result.row.id));
    expect(again.list).toEqual([]);
    expect(again.result.revokedAt).toBeTruthy();
  });

  it('through GraphQL the actor is the API key', async ({ api }) => {
    const { list } = await recorded(api, () => api.asA.gql(`mutation { createCustomer(input: { name: "By key" }) { __typename } }`));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ type: 'customer.created', orgId: api.orgA.id, actorType: 'api_key' });
  });
});

describe('the submission hot paths', () => {
  it('a resolution check records its event in the same statement; a replay records nothing', async ({ api }) => {
    const site = await api.createSite();
    const widget = api.withSite(site.publishableKey, site.origin);
    const input = check({ solved: false, comment: 'Eve Example was rude' });
    api.clock.advance(1000);
    const first = await recorded(api, () => submit(widget, input));
    const receipt = received(first.result);
    expect(first.list).toHaveLength(1);
    const event = first.list[0]!;
    expect(event).toMatchObject({
      orgId: api.orgA.id,
      type: 'feedback.resolution_check_received',
      aggregateType: 'feedback',
      sequence: 1,
      actorType: 'site',
      actorId: site.rowId,
      visibility: 'internal',
      payload: { siteId: site.rowId, customerId: null, solved: false },
    });
    expect(new Date(event.occurredAt).toISOString()).toBe(api.clock.now().toISOString());
    expect(JSON.stringify(event)).not.toContain('Eve Example');
    const replay = await recorded(api, () => submit(widget, input));
    expect(received(replay.result).feedbackId).toBe(receipt.feedbackId);
    expect(replay.list).toEqual([]);
  });

  it('a survey response records its event; a replay records nothing', async ({ api }) => {
    const site = await api.createSite();
    const widget = widgetOf(api.withSite(site.publishableKey, site.origin));
    const survey = await createSurvey(a, {
      key: 'csat-hot',
      kind: 'csat',
      status: 'active',
      defaultLocale: 'en',
      title: texts({ en: 'How was it?' }),
      questions: [{ type: 'rating', key: 'rating', labels: texts({ en: 'Rate us' }) }],
    });
    const answers = [{ questionKey: 'rating', value: 4 }];
    const idempotencyKey = randomUUID();
    const first = await recorded(api, () => widget.submit('csat-hot', answers, { idempotencyKey }));
    expect(first.result.__typename, JSON.stringify(first.result)).toMatch(/Success$/);
    expect(first.list).toHaveLength(1);
    expect(first.list[0]).toMatchObject({
      type: 'feedback.survey_response_received',
      aggregateType: 'feedback',
      sequence: 1,
      actorType: 'site',
      payload: { siteId: site.rowId, surveyId: survey.id, customerId: null, score: 4 },
    });
    const replay = await recorded(api, () => widget.submit('csat-hot', answers, { idempotencyKey }));
    expect(replay.result.__typename).toMatch(/Success$/);
    expect(replay.list).toEqual([]);
  });

  it('completing a resolution check records what was added once; replays of either send record nothing', async ({ api }) => {
    const site = await api.createSite();
    const widget = api.withSite(site.publishableKey, site.origin);
    const input = check({ solved: false, context: { agentId: 'agent-7' } });
    const first = await recorded(api, () => submit(widget, input));
    const id = received(first.result).feedbackId;
    const completed = { ...input, reason: 'INCOMPLETE', comment: 'Eve Example says step 3 is missing.', agentRating: 2 };
    api.clock.advance(1000);
    const completion = await recorded(api, () => submit(widget, completed));
    expect(received(completion.result).feedbackId).toBe(id);
    expect(completion.list).toHaveLength(1);
    expect(completion.list[0]).toMatchObject({
      type: 'feedback.resolution_check_completed',
      aggregateType: 'feedback',
      sequence: 2,
      actorType: 'site',
      actorId: site.rowId,
      payload: { fields: ['agentRating', 'comment', 'reason'], agentRating: 2 },
    });
    expect(new Date(completion.list[0]!.occurredAt).toISOString()).toBe(api.clock.now().toISOString());
    expect(JSON.stringify(completion.list)).not.toContain('Eve Example');
    expect((await recorded(api, () => submit(widget, completed))).list).toEqual([]);
    expect((await recorded(api, () => submit(widget, input))).list).toEqual([]);
  });

  it('a complaint records complaint.filed (public) in the same statement; a replay and a honeypot record nothing', async ({ api }) => {
    const site = await api.createSite();
    const widget = api.withSite(site.publishableKey, site.origin);
    const input = complaintInput({ category: 'BILLING', description: 'Eve Example charged me twice for one order.' });
    api.clock.advance(1000);
    const first = await recorded(api, () => fileComplaint(widget, input));
    expect(first.result.__typename).toBe('MutationFileComplaintSuccess');
    expect(first.list).toHaveLength(1);
    expect(first.list[0]).toMatchObject({
      orgId: api.orgA.id,
      type: 'complaint.filed',
      aggregateType: 'complaint',
      sequence: 1,
      actorType: 'site',
      actorId: site.rowId,
      visibility: 'public',
      payload: { siteId: site.rowId, customerId: null, category: 'billing' },
    });
    expect(new Date(first.list[0]!.occurredAt).toISOString()).toBe(api.clock.now().toISOString());
    expect(JSON.stringify(first.list)).not.toContain('Eve Example');
    const replay = await recorded(api, () => fileComplaint(widget, input));
    expect(replay.result.data.reference).toBe(first.result.data.reference);
    expect(replay.list).toEqual([]);
    const bot = await recorded(api, () => fileComplaint(widget, complaintInput({ website: 'https://spam.example' })));
    expect(bot.result.__typename).toBe('MutationFileComplaintSuccess');
    expect(bot.list).toEqual([]);
  });

  it('with a new customer token: the stub customer is created by the site, then the check', async ({ api }) => {
    const site = await api.createSite();
    const widget = api.withSite(site.publishableKey, site.origin);
    const token = await customerToken(site, { sub: 'events-stub-1' });
    const { list } = await recorded(api, () => submit(widget, check({ customerToken: token })));
    // Same clock time: ordered by type here, not by the (random) ids.
    list.sort((x, y) => x.type.localeCompare(y.type));
    expect(list.map((e) => [e.type, e.actorType, e.sequence])).toEqual([
      ['customer.created', 'site', 1],
      ['feedback.resolution_check_received', 'site', 1],
    ]);
    expect(list[0]!.payload).toEqual({ fields: ['externalId'] });
    expect(list[1]!.payload).toMatchObject({ customerId: list[0]!.aggregateId });
  });
});

describe('a failed or refused mutation leaves no event', () => {
  it('validation errors, conflicts and unknown ids', async ({ api }) => {
    const customer = await createCustomer(a, { name: 'Valid', externalId: 'taken-1' });
    await none(api, () => createCustomer(a, { name: 'x'.repeat(10_000) }));
    await none(api, () => createCustomer(a, { name: 'Dup', externalId: 'taken-1' }));
    await none(api, () => updateCustomer(a, customer.id, { email: 'not an email' }));
    await none(api, () => updateCustomer(a, '00000000-0000-4000-8000-000000000000', { name: 'Nobody' }));
    await none(api, () => recordPurchase(a, customer.id, { product: 'Kettle', purchasedAt: 'yesterday', value: -1 }));
    await none(api, () => mergeCustomers(a, customer.id, customer.id));
    await none(api, () => createSite(a, { name: 'No origins', allowedOrigins: [] }));
    await none(api, () => archiveSurvey(a, '00000000-0000-4000-8000-000000000000'));
    await none(api, () => revokeApiKey(a, '00000000-0000-4000-8000-000000000000'));
  });

  it('a key without the write scope is refused and records nothing', async ({ api }) => {
    const reader = api.withKey((await createApiKey(a, { name: 'reader', scopes: ['read'] })).key);
    const { result, list } = await recorded(api, () => reader.gql(`mutation { createCustomer(input: { name: "X" }) { __typename } }`));
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(list).toEqual([]);
  });
});

describe('organizations and sequences', () => {
  it("org B's events are org B's: the same kind of change, separate rows and sequences", async ({ api }) => {
    const b = api.tenant(api.orgB.id);
    const inA = await one(api, () => createCustomer(a, { name: 'In A' }), 'customer.created', (c) => ['customer', c.id]);
    const { list } = await recorded(api, () => createCustomer(b, { name: 'In B' }));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ orgId: api.orgB.id, sequence: 1, type: 'customer.created' });
    expect(list[0]!.aggregateId).not.toBe(inA.event.aggregateId);
    const ofB = await api.db.db.select().from(events).where(eq(events.orgId, api.orgB.id));
    expect(ofB.map((e) => e.aggregateId)).not.toContain(inA.event.aggregateId);
  });

  it('ten concurrent updates of one customer get sequences 2..11 after its creation: no gaps, no duplicates', async ({ api }) => {
    const customer = await createCustomer(a, { name: 'Busy' });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => updateCustomer(a, customer.id, { name: `Busy ${i}` })));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const history = await api.db.db
      .select()
      .from(events)
      .where(and(eq(events.orgId, api.orgA.id), eq(events.aggregateType, 'customer'), eq(events.aggregateId, customer.id)))
      .orderBy(asc(events.sequence));
    expect(history.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(history.filter((e) => e.type === 'customer.updated')).toHaveLength(10);
  });
});
