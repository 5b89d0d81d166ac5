import { decodeGlobalID } from '@pothos/plugin-relay';
import { and, eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { planFromRow, readCareSettings } from '../../server/care-plans/index.ts';
import { carePlans, events } from '../../server/db/tables/index.ts';
import { createApiKey } from '../../server/organizations/organizations.service.ts';
import type { TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import { birthdayPlan, carePlansOf } from './care-plans-fixtures.ts';
import { careTeamOf, ok, type Json } from './care-team-fixtures.ts';

const rowId = (id: string) => decodeGlobalID(id).id;

async function eventsOf(api: TestApi, aggregateId: string) {
  return api.db.db
    .select({ type: events.type, aggregateType: events.aggregateType, payload: events.payload })
    .from(events)
    .where(and(eq(events.orgId, api.orgA.id), eq(events.aggregateId, aggregateId)))
    .orderBy(events.sequence);
}

const issuesOf = (result: Json) => {
  expect(result.__typename).toBe('ValidationError');
  return (result.issues as { path: string[]; message: string }[]).map((i) => i.path.join('.'));
};

let agent: Json;
let team: Json;
it.beforeAll(async ({ api }) => {
  const staff = careTeamOf(api.asA);
  team = ok(await staff.createTeam({ name: 'Care' }));
  agent = ok(await staff.createAgent({ name: 'Mei', email: 'mei@a.example', teamId: team.id }));
});

describe('creating plans', () => {
  it('a birthday plan with templates and an assignee: a Relay node with its defaults, and care_plan.created', async ({ api, site }) => {
    const plans = carePlansOf(api.asA);
    const plan = ok(
      await plans.createCarePlan({
        name: 'Birthday greetings',
        trigger: { type: 'BIRTHDAY' },
        audience: { tiers: ['A', 'A', 'B'], specialNeeds: ['ELDERLY'], siteIds: [site.id] },
        action: {
          channel: 'SMS',
          kind: 'GREETING_BIRTHDAY',
          automated: true,
          templates: [
            { locale: 'zh-cn', text: '{name}，生日快乐！' },
            { locale: 'en', text: 'Happy birthday, {name}!' },
          ],
          localTime: '08:30',
        },
        quietRules: { weekdays: ['SUNDAY', 'MONDAY', 'MONDAY'] },
        assigneeAgentId: agent.id,
        assigneeTeamId: team.id,
      }),
    );
    expect(decodeGlobalID(plan.id).typename).toBe('CarePlan');
    expect(plan).toMatchObject({
      name: 'Birthday greetings',
      active: true,
      maxLatenessSeconds: 86_400,
      trigger: { type: 'BIRTHDAY', days: null, month: null, holiday: null, anchor: null, startsOn: null },
      audience: { tiers: ['A', 'B'], lifecycleStages: [], tags: [], specialNeeds: ['ELDERLY'], siteIds: [site.id] },
      action: {
        channel: 'SMS',
        kind: 'GREETING_BIRTHDAY',
        stage: null,
        automated: true,
        // Canonical case, listed by locale.
        templates: [
          { locale: 'en', text: 'Happy birthday, {name}!' },
          { locale: 'zh-CN', text: '{name}，生日快乐！' },
        ],
        leadTimeSeconds: 0,
        localTime: '08:30',
      },
      quietRules: { weekdays: ['MONDAY', 'SUNDAY'], minDaysSinceContact: 0 },
      exits: { onContact: true, onOpenComplaint: true, onAudienceLeft: true },
      assigneeAgent: { id: agent.id },
      assigneeTeam: { id: team.id },
    });
    expect(await eventsOf(api, rowId(plan.id))).toEqual([
      {
        type: 'care_plan.created',
        aggregateType: 'care_plan',
        payload: {
          trigger: 'birthday',
          active: true,
          automated: true,
          fields: ['action', 'assigneeAgentId', 'assigneeTeamId', 'audience', 'name', 'quietRules', 'trigger'],
        },
      },
    ]);
    // What the scheduler reads: the row as the engine's definition.
    const [row] = await api.db.db.select().from(carePlans).where(eq(carePlans.id, rowId(plan.id)));
    expect(planFromRow(row!)).toMatchObject({
      trigger: { type: 'birthday' },
      audience: { tiers: ['A', 'B'], specialNeeds: ['elderly'], siteIds: [site.rowId] },
      action: { channel: 'sms', templates: { en: 'Happy birthday, {name}!', 'zh-CN': '{name}，生日快乐！' }, localTime: '08:30' },
      quietRules: { weekdays: [1, 7] },
      assigneeAgentId: rowId(agent.id),
    });
  });

  it('every trigger type keeps its parameters', async ({ api }) => {
    const plans = carePlansOf(api.asA);
    ok(await plans.updateCareSettings({ holidays: [{ key: 'spring-festival', name: 'Spring Festival', dates: ['2027-02-06'] }] }));
    const triggers: Json[] = [
      { type: 'ANNUAL_DATE', month: 2, day: 29 },
      { type: 'ANNUAL_DATE', holiday: 'spring-festival' },
      { type: 'AFTER_PURCHASE', days: 30, product: 'Kettle' },
      { type: 'AFTER_COMPLAINT_CLOSED' },
      { type: 'AFTER_COMPLAINT_CLOSED', days: 3 },
      { type: 'EVERY', days: 90, anchor: 'FIXED', startsOn: '2027-01-04' },
      { type: 'EVERY', days: 3650, anchor: 'LAST_COMPLETED' },
      { type: 'SILENCE', days: 1 },
    ];
    for (const [i, trigger] of triggers.entries()) {
      const plan = ok(await plans.createCarePlan({ name: `Trigger ${i}`, trigger, action: { channel: 'PHONE', kind: 'FOLLOW_UP' } }));
      const shown = Object.fromEntries(Object.entries(plan.trigger as Json).filter(([, v]) => v !== null));
      expect(shown).toEqual(trigger);
    }
  });
});

describe('validation', () => {
  const action = { channel: 'PHONE', kind: 'FOLLOW_UP' };

  it('a trigger must match its parameters, with each field’s path', async ({ api }) => {
    const plans = carePlansOf(api.asA);
    const cases: [Json, string[]][] = [
      [{ type: 'BIRTHDAY', days: 3 }, ['input.trigger.days']],
      [{ type: 'AFTER_PURCHASE' }, ['input.trigger.days']],
      [{ type: 'SILENCE', days: 0 }, ['input.trigger.days']],
      [{ type: 'SILENCE', days: 3651 }, ['input.trigger.days']],
      [{ type: 'EVERY', days: 7 }, ['input.trigger.anchor']],
      [{ type: 'EVERY', days: 7, anchor: 'FIXED' }, ['input.trigger.startsOn']],
      [{ type: 'EVERY', days: 7, anchor: 'LAST_COMPLETED', startsOn: '2027-01-01' }, ['input.trigger.startsOn']],
      [{ type: 'EVERY', days: 7, anchor: 'FIXED', startsOn: '2027-02-30' }, ['input.trigger.startsOn']],
      [{ type: 'ANNUAL_DATE' }, ['input.trigger.holiday']],
      [{ type: 'ANNUAL_DATE', month: 2, day: 30 }, ['input.trigger.day']],
      [{ type: 'ANNUAL_DATE', month: 4 }, ['input.trigger.day']],
      [{ type: 'ANNUAL_DATE', month: 4, day: 1, holiday: 'x' }, ['input.trigger.holiday']],
      [{ type: 'ANNUAL_DATE', holiday: 'no-such-day' }, ['input.trigger.holiday']],
      [{ type: 'SILENCE', days: 5, product: 'x', month: 1 }, ['input.trigger.month', 'input.trigger.product']],
    ];
    for (const [trigger, paths] of cases) {
      const result = await plans.createCarePlan({ name: 'Bad trigger', trigger, action });
      expect(issuesOf(result).sort(), JSON.stringify(trigger)).toEqual(paths);
    }
    expect((await plans.carePlans({ first: 100 })).edges.map((e) => e.node.name)).not.toContain('Bad trigger');
  });

  it('templates: at most 2,000 characters, known locale format, one per locale, at least one when automated', async ({ api }) => {
    const plans = carePlansOf(api.asA);
    const withAction = (extra: Json) => plans.createCarePlan(birthdayPlan('Bad templates', { action: { ...action, ...extra } }));
    expect(issuesOf(await withAction({ templates: [{ locale: 'en', text: 'x'.repeat(2001) }] }))).toEqual(['input.action.templates.0.text']);
    expect(ok(await withAction({ templates: [{ locale: 'en', text: 'x'.repeat(2000) }] })).action.templates[0].text).toHaveLength(2000);
    await api.db.db.delete(carePlans).where(and(eq(carePlans.orgId, api.orgA.id), eq(carePlans.name, 'Bad templates')));
    expect(issuesOf(await withAction({ templates: [{ locale: 'en_US', text: 'x' }] }))).toEqual(['input.action.templates.0.locale']);
    expect(issuesOf(await withAction({ templates: [{ locale: 'english', text: 'x' }] }))).toEqual(['input.action.templates.0.locale']);
    expect(issuesOf(await withAction({ templates: [{ locale: 'en', text: 'a' }, { locale: 'EN', text: 'b' }] }))).toEqual([
      'input.action.templates.1.locale',
    ]);
    expect(issuesOf(await withAction({ templates: [{ locale: 'en', text: '  ' }] }))).toEqual(['input.action.templates.0.text']);
    expect(issuesOf(await withAction({ automated: true }))).toEqual(['input.action.templates']);
    expect(issuesOf(await withAction({ localTime: '24:00' }))).toEqual(['input.action.localTime']);
    expect(issuesOf(await withAction({ leadTimeSeconds: -1 }))).toEqual(['input.action.leadTimeSeconds']);
    expect(issuesOf(await plans.createCarePlan({ name: 'No channel', trigger: { type: 'BIRTHDAY' }, action: { kind: 'OFFER' } }))).toEqual([
      'input.action.channel',
    ]);
  });

  it('the assignee must be of the organization and active; sites of the organization', async ({ api }) => {
    const plans = carePlansOf(api.asA);
    const otherAgent = ok(await careTeamOf(api.asB).createAgent({ name: 'B agent', email: 'b@b.example' }));
    expect(await plans.createCarePlan(birthdayPlan('Foreign agent', { assigneeAgentId: otherAgent.id }))).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Agent',
    });
    const gone = ok(await careTeamOf(api.asA).createAgent({ name: 'Gone', email: 'gone@a.example' }));
    ok(await careTeamOf(api.asA).deactivateAgent(gone.id));
    expect(issuesOf(await plans.createCarePlan(birthdayPlan('Gone agent', { assigneeAgentId: gone.id })))).toEqual(['input.assigneeAgentId']);
    const otherSite = await api.createSite({ as: api.asB });
    expect(await plans.createCarePlan(birthdayPlan('Foreign site', { audience: { siteIds: [otherSite.id] } }))).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Site',
    });
    expect(issuesOf(await plans.createCarePlan(birthdayPlan('Not a site', { audience: { siteIds: [agent.id] } })))).toEqual([
      'input.audience.siteIds.0',
    ]);
  });

  it('names are unique per organization: ConflictError on name, for create and rename', async ({ api }) => {
    const plans = carePlansOf(api.asA);
    ok(await plans.createCarePlan(birthdayPlan('Unique')));
    expect(await plans.createCarePlan(birthdayPlan('Unique'))).toMatchObject({ __typename: 'ConflictError', field: 'name' });
    const other = ok(await plans.createCarePlan(birthdayPlan('Other')));
    expect(await plans.updateCarePlan(other.id, { name: 'Unique' })).toMatchObject({ __typename: 'ConflictError', field: 'name' });
    expect((await carePlansOf(api.asB).createCarePlan(birthdayPlan('Unique'))).__typename).toBe('MutationCreateCarePlanSuccess');
  });

  it('two creates of one name at once: one plan, the other a ConflictError on name', async ({ api }) => {
    const plans = carePlansOf(api.asA);
    const results = await Promise.all([plans.createCarePlan(birthdayPlan('Raced')), plans.createCarePlan(birthdayPlan('Raced'))]);
    expect(results.map((r) => r.__typename).sort()).toEqual(['ConflictError', 'MutationCreateCarePlanSuccess']);
    expect(results.find((r) => r.__typename === 'ConflictError')).toMatchObject({ field: 'name' });
    const node = await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on CarePlan { name trigger { type } } } }`, {
      id: results.find((r) => r.data)!.data.id,
    });
    expect(node.data?.node).toEqual({ name: 'Raced', trigger: { type: 'BIRTHDAY' } });
  });

  it('scopes: reading needs read, plans need write, care settings admin', async ({ api }) => {
    const keyWith = async (scopes: ('read' | 'write' | 'admin')[]) =>
      api.withKey((await createApiKey(api.tenant(api.orgA.id), { name: scopes.join('+'), scopes })).key);
    const reader = carePlansOf(await keyWith(['read']));
    const writer = carePlansOf(await keyWith(['read', 'write']));
    expect(await reader.createCarePlan(birthdayPlan('By reader'))).toMatchObject({ __typename: 'GraphQLError' });
    expect((await reader.carePlans({ first: 1 })).totalCount).toBeGreaterThan(0);
    expect((await writer.createCarePlan(birthdayPlan('By writer'))).__typename).toBe('MutationCreateCarePlanSuccess');
    const refused = await writer.updateCareSettings({ fatigueCap: { maxTouchpoints: 5, perDays: 7 } });
    expect(refused.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await reader.careSettings()).fatigueCap).toEqual({ maxTouchpoints: 2, perDays: 7 });
  });
});

describe('changing plans', () => {
  it('update is partial: the trigger whole, other parts field by field; null clears the assignee; care_plan.updated names the fields', async ({ api }) => {
    const plans = carePlansOf(api.asA);
    const plan = ok(
      await plans.createCarePlan({
        name: 'Kettle follow-up',
        trigger: { type: 'AFTER_PURCHASE', days: 7, product: 'Kettle' },
        action: { channel: 'PHONE', kind: 'FOLLOW_UP', templates: [{ locale: 'en', text: 'How is the {product}?' }] },
        audience: { tiers: ['A'] },
        assigneeAgentId: agent.id,
      }),
    );
    api.clock.advance(60_000);
    const updated = ok(
      await plans.updateCarePlan(plan.id, {
        trigger: { type: 'AFTER_PURCHASE', days: 14 },
        action: { localTime: '10:15' },
        audience: { tags: ['vip'] },
        exits: { onOpenComplaint: false },
        assigneeAgentId: null,
        assigneeTeamId: team.id,
      }),
    );
    expect(updated).toMatchObject({
      name: 'Kettle follow-up',
      trigger: { type: 'AFTER_PURCHASE', days: 14, product: null },
      action: { channel: 'PHONE', templates: [{ locale: 'en', text: 'How is the {product}?' }], localTime: '10:15' },
      audience: { tiers: ['A'], tags: ['vip'] },
      exits: { onContact: true, onOpenComplaint: false, onAudienceLeft: true },
      assigneeAgent: null,
      assigneeTeam: { id: team.id },
    });
    expect(updated.updatedAt > plan.updatedAt).toBe(true);
    const recorded = (await eventsOf(api, rowId(plan.id))).map((e) => [e.type, e.payload]);
    expect(recorded[1]).toEqual([
      'care_plan.updated',
      { fields: ['action', 'assigneeAgentId', 'assigneeTeamId', 'audience', 'exits', 'trigger'] },
    ]);
    // An update turning it automated needs a template: the one it has counts.
    expect(ok(await plans.updateCarePlan(plan.id, { action: { automated: true } })).action.automated).toBe(true);
    expect(issuesOf(await plans.updateCarePlan(plan.id, { action: { templates: [] } }))).toEqual(['input.action.templates']);
    expect(await plans.updateCarePlan(rowId(plan.id), {})).toMatchObject({ __typename: 'ValidationError' });
  });

  it('deactivate and activate: idempotent; the filter and paging (oldest first) follow', async ({ api, newOrg }) => {
    const plans = carePlansOf(newOrg.as);
    const created = [];
    for (const name of ['P1', 'P2', 'P3']) {
      created.push(ok(await plans.createCarePlan(birthdayPlan(name))));
      api.clock.advance(1000);
    }
    const paused = ok(await plans.deactivateCarePlan(created[1]!.id));
    expect(paused.active).toBe(false);
    expect(ok(await plans.deactivateCarePlan(created[1]!.id)).updatedAt).toBe(paused.updatedAt);
    expect((await plans.carePlans({ first: 10, filter: { active: false } })).edges.map((e) => e.node.name)).toEqual(['P2']);
    const active = await plans.carePlans({ first: 10, filter: { active: true } });
    expect([active.totalCount, active.edges.map((e) => e.node.name)]).toEqual([2, ['P1', 'P3']]);
    const first = await plans.carePlans({ first: 2 });
    expect([first.totalCount, first.pageInfo.hasNextPage, first.edges.map((e) => e.node.name)]).toEqual([3, true, ['P1', 'P2']]);
    const next = await plans.carePlans({ first: 2, after: first.pageInfo.endCursor });
    expect([next.pageInfo.hasNextPage, next.edges.map((e) => e.node.name)]).toEqual([false, ['P3']]);
    expect(ok(await plans.activateCarePlan(created[1]!.id)).active).toBe(true);
    expect(ok(await plans.activateCarePlan(created[1]!.id)).active).toBe(true);
  });

  it('activation events are recorded once each', async ({ api }) => {
    const plans = carePlansOf(api.asA);
    const plan = ok(await plans.createCarePlan(birthdayPlan('Toggle')));
    ok(await plans.deactivateCarePlan(plan.id));
    ok(await plans.deactivateCarePlan(plan.id));
    ok(await plans.activateCarePlan(plan.id));
    expect((await eventsOf(api, rowId(plan.id))).map((e) => e.type)).toEqual(['care_plan.created', 'care_plan.deactivated', 'care_plan.activated']);
  });
});

describe('care settings', () => {
  it('defaults: the org zone (UTC), 2 touchpoints per 7 days, no holidays', async ({ newOrg }) => {
    expect(await carePlansOf(newOrg.as).careSettings()).toEqual({ timeZone: 'UTC', fatigueCap: { maxTouchpoints: 2, perDays: 7 }, holidays: [] });
  });

  it('updates the zone (organizations.time_zone), the cap and the holidays; the scheduler reads the same; an event names the parts', async ({ api, newOrg }) => {
    const plans = carePlansOf(newOrg.as);
    const settings = ok(
      await plans.updateCareSettings({
        timeZone: 'Asia/Shanghai',
        fatigueCap: { maxTouchpoints: 3, perDays: 14 },
        holidays: [
          { key: 'national-day', name: 'National Day', month: 10, day: 1 },
          { key: 'spring-festival', name: 'Spring Festival', dates: ['2028-01-26', '2027-02-06', '2027-02-06'] },
        ],
      }),
    );
    expect(settings).toEqual({
      timeZone: 'Asia/Shanghai',
      fatigueCap: { maxTouchpoints: 3, perDays: 14 },
      holidays: [
        { key: 'national-day', name: 'National Day', month: 10, day: 1, dates: [] },
        { key: 'spring-festival', name: 'Spring Festival', month: null, day: null, dates: ['2027-02-06', '2028-01-26'] },
      ],
    });
    expect(await plans.careSettings()).toEqual(settings);
    expect(await readCareSettings(api.db.db, newOrg.id)).toEqual({
      timeZone: 'Asia/Shanghai',
      fatigueCap: { maxTouchpoints: 3, perDays: 14 },
      holidays: [
        { key: 'national-day', name: 'National Day', month: 10, day: 1 },
        { key: 'spring-festival', name: 'Spring Festival', dates: ['2027-02-06', '2028-01-26'] },
      ],
    });
    // A part omitted keeps its value.
    expect(ok(await plans.updateCareSettings({ fatigueCap: { maxTouchpoints: 1, perDays: 1 } })).timeZone).toBe('Asia/Shanghai');
    const recorded = await api.db.db
      .select({ type: events.type, payload: events.payload })
      .from(events)
      .where(and(eq(events.orgId, newOrg.id), eq(events.type, 'organization.care_settings_updated')))
      .orderBy(events.sequence);
    expect(recorded.map((e) => e.payload)).toEqual([{ fields: ['fatigueCap', 'holidays', 'timeZone'] }, { fields: ['fatigueCap'] }]);
  });

  it('refuses a bad zone, a bad cap, duplicate or malformed holidays, and removing a holiday a plan uses', async ({ newOrg }) => {
    const plans = carePlansOf(newOrg.as);
    expect(issuesOf(await plans.updateCareSettings({ timeZone: 'Mars/Olympus' }))).toEqual(['input.timeZone']);
    expect(issuesOf(await plans.updateCareSettings({ fatigueCap: { maxTouchpoints: 0, perDays: 400 } })).sort()).toEqual([
      'input.fatigueCap.maxTouchpoints',
      'input.fatigueCap.perDays',
    ]);
    const holiday = { key: 'x', name: 'X', month: 1, day: 1 };
    expect(issuesOf(await plans.updateCareSettings({ holidays: [holiday, holiday] }))).toEqual(['input.holidays.1.key']);
    expect(issuesOf(await plans.updateCareSettings({ holidays: [{ key: 'Bad Key', name: 'X', month: 1, day: 1 }] }))).toEqual(['input.holidays.0.key']);
    expect(issuesOf(await plans.updateCareSettings({ holidays: [{ key: 'x', name: 'X', month: 1, day: 1, dates: ['2027-01-01'] }] }))).toEqual([
      'input.holidays.0.dates',
    ]);
    expect(issuesOf(await plans.updateCareSettings({ holidays: [{ key: 'x', name: 'X', month: 2, day: 30 }] }))).toEqual(['input.holidays.0.day']);
    expect(issuesOf(await plans.updateCareSettings({ holidays: [{ key: 'x', name: 'X' }] }))).toEqual(['input.holidays.0.dates']);

    ok(await plans.updateCareSettings({ holidays: [holiday, { key: 'y', name: 'Y', month: 6, day: 1 }] }));
    const plan = ok(await plans.createCarePlan({ name: 'On X', trigger: { type: 'ANNUAL_DATE', holiday: 'x' }, action: { channel: 'SMS', kind: 'GREETING_HOLIDAY' } }));
    ok(await plans.deactivateCarePlan(plan.id));
    const refused = await plans.updateCareSettings({ holidays: [{ key: 'y', name: 'Y', month: 6, day: 1 }] });
    expect(issuesOf(refused)).toEqual(['input.holidays']);
    expect(refused.issues[0].message).toMatch(/On X/);
    // Renaming it or moving its date is fine: the key stays.
    expect(ok(await plans.updateCareSettings({ holidays: [{ key: 'x', name: 'New Year', month: 1, day: 2 }] })).holidays).toHaveLength(1);
  });
});
