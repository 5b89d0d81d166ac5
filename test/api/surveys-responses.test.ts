import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { customers, feedback } from '../../server/db/tables/index.ts';
import { payloadHash } from '../../server/intake/idempotency.ts';
import { dataOf, type TestApi } from '../helpers/api.ts';
import { test as it } from '../helpers/fixtures.ts';
import {
  SUBMIT_RESPONSE,
  createdSurvey,
  customerToken,
  issuePaths,
  ok,
  question,
  surveyInput,
  surveysOf,
  texts,
  uniqueKey,
  widgetOf,
  type Json,
} from './surveys-fixtures.ts';

/** Every question type, none required (see surveyInput). */
let all: Json;
// The file's API, site and survey widget (test/helpers/fixtures.ts), the site made first, as before.
it.beforeAll(async ({ api, surveyWidget: _ }) => {
  all = await createdSurvey(api.asA, surveyInput('all-types'));
});

const rowsOf = (api: TestApi, surveyId: string) => api.db.db.$count(feedback, eq(feedback.surveyId, surveyId));
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;
const one = (questionKey: string, value: unknown) => [{ questionKey, value }];

describe('answers are checked against the question type', () => {
  const cases: [string, unknown[], unknown[]][] = [
    ['rating', [1, 3, 5], [0, 6, 2.5, '3', true, [3], -1]],
    ['nps', [0, 5, 10], [-1, 11, 9.5, '10', false]],
    ['ces', [1, 4, 7], [0, 8, 3.1, '7', {}]],
    ['single', ['a', 'c'], ['d', 'A', '', ['a'], 1, true]],
    ['multi', [['x'], ['x', 'y', 'z'], ['z', 'x']], [[], ['x', 'x'], ['x', 'w'], 'x', [1], [['x']], [null]]],
    ['text', ['fine', 'x'.repeat(5000), '<script>alert(1)</script>', '很好'], ['x'.repeat(5001), 5, ['a'], false]],
    ['yesno', [true, false], ['yes', 1, 0, 'true', {}]],
  ];
  for (const [questionKey, accepted, rejected] of cases) {
    it(`${questionKey}: accepts ${JSON.stringify(accepted).slice(0, 60)} and rejects the rest`, async ({ api, surveyWidget: widget }) => {
      const before = await rowsOf(api, rawId(all.id));
      for (const value of rejected) {
        const result = await widget.submit('all-types', one(questionKey, value));
        expect(issuePaths(result), JSON.stringify(value)).toEqual(['input.answers.0.value']);
      }
      expect(await rowsOf(api, rawId(all.id))).toBe(before);
      for (const value of accepted) ok(await widget.submit('all-types', one(questionKey, value)));
      expect(await rowsOf(api, rawId(all.id))).toBe(before + accepted.length);
    });
  }

  it('a null value is refused before anything runs (value is JSON!)', async ({ api, site }) => {
    const result = await api.withSite(site.publishableKey, site.origin).gql(SUBMIT_RESPONSE, {
      input: { surveyKey: 'all-types', answers: one('rating', null), idempotencyKey: randomUUID() },
    });
    expect(result.errors?.[0]?.message).toContain('input.answers[0].value');
  });

  it('stores every answer as given, with locale and context, and the response is readable', async ({ api, surveyWidget: widget }) => {
    const answers = [
      { questionKey: 'rating', value: 4 },
      { questionKey: 'multi', value: ['y', 'x'] },
      { questionKey: 'text', value: '<b>not html</b>' },
      { questionKey: 'yesno', value: false },
    ];
    const receipt = ok(
      await widget.submit('all-types', answers, { locale: 'zh-cn', context: { pageUrl: 'https://shop.example.com/order/1', subject: '' } }),
    );
    expect(Date.parse(receipt.receivedAt)).not.toBeNaN();
    const node = dataOf(
      await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on Feedback { kind score locale answers { questionKey value } context { pageUrl subject } customer { id } } } }`, {
        id: receipt.feedbackId,
      }),
    ).node;
    expect(node).toEqual({
      kind: 'SURVEY_RESPONSE',
      score: null,
      locale: 'zh-CN',
      answers,
      context: { pageUrl: 'https://shop.example.com/order/1', subject: null },
      customer: null,
    });
  });

  it('counts a blank text as no answer, unless the question is required', async ({ api, surveyWidget: widget }) => {
    const survey = await createdSurvey(
      api.asA,
      surveyInput(uniqueKey(), {
        questions: [question('TEXT', 'Optional', { key: 'opt' }), question('TEXT', 'Required', { key: 'req', required: true })],
      }),
    );
    expect(issuePaths(await widget.submit(survey.key, [{ questionKey: 'req', value: '  ' }]))).toEqual(['input.answers.0.value']);
    const receipt = ok(await widget.submit(survey.key, [{ questionKey: 'opt', value: '' }, { questionKey: 'req', value: 'yes' }]));
    const node = dataOf(await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on Feedback { answers { questionKey value } } } }`, { id: receipt.feedbackId })).node;
    expect(node.answers).toEqual([{ questionKey: 'req', value: 'yes' }]);
  });
});

describe('answers are checked against the survey', () => {
  it('refuses unknown and duplicate question ids, and reports every issue at once', async ({ surveyWidget: widget }) => {
    const result = await widget.submit('all-types', [
      { questionKey: 'rating', value: 5 },
      { questionKey: 'nope', value: 1 },
      { questionKey: 'rating', value: 4 },
      { questionKey: 'nps', value: 11 },
    ]);
    expect(issuePaths(result)).toEqual(['input.answers.1.questionKey', 'input.answers.2.questionKey', 'input.answers.3.value']);
  });

  it('needs every required question answered', async ({ api, surveyWidget: widget }) => {
    const survey = await createdSurvey(
      api.asA,
      surveyInput(uniqueKey(), {
        questions: [
          question('RATING', 'Score', { key: 'score', required: true }),
          question('YES_NO', 'Solved', { key: 'solved', required: true }),
          question('TEXT', 'Why', { key: 'why' }),
        ],
      }),
    );
    const missing = await widget.submit(survey.key, one('why', 'because'));
    expect(issuePaths(missing)).toEqual(['input.answers', 'input.answers']);
    expect(missing.issues.map((i: Json) => i.message)).toEqual(['question score is required', 'question solved is required']);
    expect(issuePaths(await widget.submit(survey.key, []))).toEqual(['input.answers', 'input.answers']);
    // A wrong value for a required question is reported on the value only.
    expect(issuePaths(await widget.submit(survey.key, [{ questionKey: 'score', value: 9 }, { questionKey: 'solved', value: true }]))).toEqual([
      'input.answers.0.value',
    ]);
    ok(await widget.submit(survey.key, [{ questionKey: 'solved', value: true }, { questionKey: 'score', value: 2 }]));
  });

  it('checks the envelope: surveyKey, idempotencyKey, locale, context and list sizes', async ({ surveyWidget: widget }) => {
    expect(issuePaths(await widget.submit('all-types', [], { idempotencyKey: 'not-a-uuid' }))).toEqual(['input.idempotencyKey']);
    expect(issuePaths(await widget.submit('all-types', [], { locale: 'klingon please' }))).toEqual(['input.locale']);
    expect(issuePaths(await widget.submit('all-types', [], { context: { pageUrl: 'x'.repeat(2049) } }))).toEqual(['input.context.pageUrl']);
    expect(issuePaths(await widget.submit('x'.repeat(65), []))).toEqual(['input.surveyKey']);
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ questionKey: `q${i}`, value: 1 }));
    expect(issuePaths(await widget.submit('all-types', tooMany))).toEqual(['input.answers']);
  });

  it('does not accept answers to retired questions or options, nor after a type-preserving edit', async ({ api, surveyWidget: widget }) => {
    const survey = await createdSurvey(
      api.asA,
      surveyInput(uniqueKey(), {
        questions: [
          question('TEXT', 'Old', { key: 'old' }),
          { key: 'pick', type: 'SINGLE_CHOICE', labels: texts({ en: 'Pick' }), options: ['p', 'q', 'r'].map((key) => ({ key, labels: texts({ en: key }) })) },
        ],
      }),
    );
    ok(await widget.submit(survey.key, [{ questionKey: 'old', value: 'first' }, { questionKey: 'pick', value: 'r' }]));
    ok(
      await surveysOf(api.asA).update(survey.id, {
        questions: [{ key: 'pick', type: 'SINGLE_CHOICE', labels: texts({ en: 'Pick' }), options: ['p', 'q'].map((key) => ({ key, labels: texts({ en: key }) })) }],
      }),
    );
    expect(issuePaths(await widget.submit(survey.key, one('old', 'again')))).toEqual(['input.answers.0.questionKey']);
    expect(issuePaths(await widget.submit(survey.key, one('pick', 'r')))).toEqual(['input.answers.0.value']);
    ok(await widget.submit(survey.key, one('pick', 'q')));
  });

  it('is a NotFoundError for an unknown, draft or archived survey, and stores nothing', async ({ api, surveyWidget: widget }) => {
    const draft = await createdSurvey(api.asA, surveyInput(uniqueKey(), { status: 'DRAFT' }));
    const archived = await createdSurvey(api.asA, surveyInput(uniqueKey()));
    ok(await surveysOf(api.asA).archive(archived.id));
    for (const key of ['no-such-survey', draft.key, archived.key]) {
      expect((await widget.submit(key, one('rating', 5))).__typename).toBe('NotFoundError');
    }
    expect(await rowsOf(api, rawId(draft.id))).toBe(0);
    expect(await rowsOf(api, rawId(archived.id))).toBe(0);
  });
});

describe('score', () => {
  const scored = async (api: TestApi, widget: ReturnType<typeof widgetOf>, kind: string, questions: Json[], answers: Json[]) => {
    const survey = await createdSurvey(api.asA, surveyInput(uniqueKey(), { kind, questions }));
    const receipt = ok(await widget.submit(survey.key, answers));
    const node = dataOf(await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on Feedback { score } } }`, { id: receipt.feedbackId })).node;
    return node.score;
  };

  it('is the answer to the first RATING question of a CSAT survey', async ({ api, surveyWidget: widget }) => {
    const questions = [question('NPS', 'n', { key: 'n' }), question('RATING', 'r1', { key: 'r1' }), question('RATING', 'r2', { key: 'r2' })];
    expect(await scored(api, widget, 'CSAT', questions, [{ questionKey: 'n', value: 9 }, { questionKey: 'r2', value: 1 }, { questionKey: 'r1', value: 4 }])).toBe(4);
  });

  it('is the answer to the first NPS question of an NPS survey, 0 included', async ({ api, surveyWidget: widget }) => {
    const questions = [question('RATING', 'r', { key: 'r' }), question('NPS', 'n', { key: 'n' })];
    expect(await scored(api, widget, 'NPS', questions, [{ questionKey: 'r', value: 5 }, { questionKey: 'n', value: 0 }])).toBe(0);
    expect(await scored(api, widget, 'NPS', questions, [{ questionKey: 'n', value: 10 }])).toBe(10);
  });

  it('is the answer to the first CES question of a CES survey', async ({ api, surveyWidget: widget }) => {
    expect(await scored(api, widget, 'CES', [question('CES', 'c', { key: 'c' }), question('CES', 'd', { key: 'd' })], [{ questionKey: 'd', value: 2 }, { questionKey: 'c', value: 7 }])).toBe(7);
  });

  it('is null when the scored question is left unanswered, and for CUSTOM surveys', async ({ api, surveyWidget: widget }) => {
    expect(await scored(api, widget, 'CSAT', [question('RATING', 'r', { key: 'r' }), question('TEXT', 't', { key: 't' })], [{ questionKey: 't', value: 'hi' }])).toBeNull();
    expect(await scored(api, widget, 'CUSTOM', [question('RATING', 'r', { key: 'r' })], [{ questionKey: 'r', value: 5 }])).toBeNull();
  });

  it('follows the live questions after an edit', async ({ api, surveyWidget: widget }) => {
    const survey = await createdSurvey(
      api.asA,
      surveyInput(uniqueKey(), { kind: 'CSAT', questions: [question('RATING', 'old', { key: 'old' }), question('RATING', 'new', { key: 'new' })] }),
    );
    ok(await widget.submit(survey.key, [{ questionKey: 'old', value: 1 }]));
    ok(await surveysOf(api.asA).update(survey.id, { questions: [question('RATING', 'new', { key: 'new' })] }));
    // Newest first is by the clock, which stands still until moved.
    api.clock.advance(1000);
    const receipt = ok(await widget.submit(survey.key, [{ questionKey: 'new', value: 5 }]));
    const responses = await surveysOf(api.asA).responses(survey.id);
    expect(responses.nodes.map((n) => [n.id === receipt.feedbackId, n.score])).toEqual([[true, 5], [false, 1]]);
  });
});

describe('idempotency', () => {
  const answers = [{ questionKey: 'rating', value: 5 }, { questionKey: 'text', value: 'great' }];
  const countByKey = (api: TestApi, key: string) =>
    api.db.db.$count(feedback, and(eq(feedback.orgId, api.orgA.id), eq(feedback.idempotencyKey, key)));

  it('a replay of the same payload returns the first receipt and stores one row', async ({ api, surveyWidget: widget }) => {
    const idempotencyKey = randomUUID();
    const first = ok(await widget.submit('all-types', answers, { idempotencyKey, context: { pageUrl: 'https://shop.example.com/a' } }));
    const again = ok(await widget.submit('all-types', answers, { idempotencyKey, context: { pageUrl: 'https://shop.example.com/a' } }));
    expect(again).toEqual(first);
    // Upper case is the same UUID.
    expect(ok(await widget.submit('all-types', answers, { idempotencyKey: idempotencyKey.toUpperCase(), context: { pageUrl: 'https://shop.example.com/a' } }))).toEqual(first);
    expect(await countByKey(api, idempotencyKey)).toBe(1);
  });

  it('the same key with another payload is a ConflictError on idempotencyKey and changes nothing', async ({ api, surveyWidget: widget }) => {
    const idempotencyKey = randomUUID();
    const first = ok(await widget.submit('all-types', answers, { idempotencyKey }));
    const variants: [Json[], Json][] = [
      [[{ questionKey: 'rating', value: 4 }], {}],
      [answers, { locale: 'en' }],
      [answers, { context: { subject: 'article:1' } }],
    ];
    for (const [otherAnswers, extra] of variants) {
      const result = await widget.submit('all-types', otherAnswers, { idempotencyKey, ...extra });
      expect(result, JSON.stringify(extra)).toMatchObject({ __typename: 'ConflictError', field: 'idempotencyKey' });
    }
    expect(await countByKey(api, idempotencyKey)).toBe(1);
    const node = dataOf(await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on Feedback { answers { value } } } }`, { id: first.feedbackId })).node;
    expect(node.answers.map((a: Json) => a.value)).toEqual([5, 'great']);
  });

  it('ten concurrent identical submissions store one row and all get the same receipt', async ({ api, surveyWidget: widget }) => {
    const idempotencyKey = randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, () => widget.submit('all-types', answers, { idempotencyKey })));
    const receipts = results.map(ok);
    expect(new Set(receipts.map((r) => r.feedbackId)).size).toBe(1);
    expect(new Set(receipts.map((r) => r.receivedAt)).size).toBe(1);
    expect(await countByKey(api, idempotencyKey)).toBe(1);
  });

  it('a replay still gets its receipt after the survey was archived or its question retired', async ({ api, surveyWidget: widget }) => {
    const survey = await createdSurvey(api.asA, surveyInput(uniqueKey(), { questions: [question('TEXT', 'T', { key: 't' }), question('YES_NO', 'Y', { key: 'y' })] }));
    const idempotencyKey = randomUUID();
    const first = ok(await widget.submit(survey.key, one('t', 'hello'), { idempotencyKey }));
    ok(await surveysOf(api.asA).update(survey.id, { questions: [question('YES_NO', 'Y', { key: 'y' })] }));
    expect(ok(await widget.submit(survey.key, one('t', 'hello'), { idempotencyKey }))).toEqual(first);
    ok(await surveysOf(api.asA).archive(survey.id));
    expect(ok(await widget.submit(survey.key, one('t', 'hello'), { idempotencyKey }))).toEqual(first);
    // …while a new key still fails.
    expect((await widget.submit(survey.key, one('t', 'hello'))).__typename).toBe('NotFoundError');
  });

  it('a response stored before the API said questionKey (hashed over questionId) replays with questionKey', async ({ api, site, surveyWidget: widget }) => {
    const idempotencyKey = randomUUID();
    const stored = [{ questionId: 'rating', value: 5 }];
    const [row] = await api.db.db
      .insert(feedback)
      .values({
        orgId: api.orgA.id,
        siteId: site.rowId,
        kind: 'survey_response',
        surveyId: rawId(all.id),
        answers: stored,
        score: null,
        idempotencyKey,
        // What the server hashed then: the parsed input with questionId, no context, locale or customer.
        payloadHash: payloadHash({ surveyKey: 'all-types', answers: stored, context: null, locale: null, customerId: null }),
        createdAt: api.clock.now().toISOString(),
      })
      .returning({ id: feedback.id });
    const receipt = ok(await widget.submit('all-types', one('rating', 5), { idempotencyKey }));
    expect(receipt.feedbackId).toBe(encodeGlobalID('Feedback', row!.id));
    expect(await countByKey(api, idempotencyKey)).toBe(1);
    // Another answer under that key is still another payload.
    expect(await widget.submit('all-types', one('rating', 4), { idempotencyKey })).toMatchObject({ __typename: 'ConflictError' });
  });

  it('keys are per site: another site may use the same key', async ({ api, surveyWidget: widget }) => {
    const other = await api.createSite({ allowedOrigins: ['https://other.example.com'] });
    const otherWidget = widgetOf(api.withSite(other.publishableKey, other.origin));
    const idempotencyKey = randomUUID();
    const first = ok(await widget.submit('all-types', answers, { idempotencyKey }));
    const second = ok(await otherWidget.submit('all-types', answers, { idempotencyKey }));
    expect(second.feedbackId).not.toBe(first.feedbackId);
  });
});

describe('customer tokens', () => {
  it('a valid token links the response to a customer created as a stub, readable with the API key', async ({ api, site, surveyWidget: widget }) => {
    const token = await customerToken(site, 'crm-42', { claims: { name: 'Li Wei', email: 'Li.Wei@Example.com' } });
    const receipt = ok(await widget.submit('all-types', one('rating', 5), { customerToken: token }));
    const node = dataOf(
      await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on Feedback { customer { id externalId name email } } } }`, { id: receipt.feedbackId }),
    ).node;
    expect(node.customer).toMatchObject({ externalId: 'crm-42', name: 'Li Wei' });
    const customer = dataOf(await api.asA.gql(`query($id: ID!) { customer(id: $id) { externalId feedback(first: 10) { totalCount } } }`, { id: node.customer.id })).customer;
    expect(customer).toEqual({ externalId: 'crm-42', feedback: { totalCount: 1 } });
    // A second response with a fresh token for the same person links to the same customer.
    const later = ok(await widget.submit('all-types', one('rating', 4), { customerToken: await customerToken(site, 'crm-42') }));
    const again = dataOf(await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on Feedback { customer { id } } } }`, { id: later.feedbackId })).node;
    expect(again.customer.id).toBe(node.customer.id);
    expect(await api.db.db.$count(customers, and(eq(customers.orgId, api.orgA.id), eq(customers.externalId, 'crm-42')))).toBe(1);
  });

  it('a forged, expired, too long-lived or malformed token is a ValidationError and stores nothing', async ({ api, site, surveyWidget: widget }) => {
    const before = await rowsOf(api, rawId(all.id));
    const customersBefore = await api.db.db.$count(customers, eq(customers.orgId, api.orgA.id));
    const tokens = [
      await customerToken(site, 'crm-forged', { secret: 'not-the-identity-secret-of-this-site' }),
      await customerToken(site, 'crm-expired', { expiresIn: Math.floor(Date.now() / 1000) - 3600 }),
      await customerToken(site, 'crm-forever', { expiresIn: '30d' }),
      'not.a.jwt',
    ];
    for (const token of tokens) {
      expect(issuePaths(await widget.submit('all-types', one('rating', 5), { customerToken: token }))).toEqual(['input.customerToken']);
    }
    expect(await rowsOf(api, rawId(all.id))).toBe(before);
    expect(await api.db.db.$count(customers, eq(customers.orgId, api.orgA.id))).toBe(customersBefore);
  });

  it("another site's token (signed with its secret) is refused", async ({ api, surveyWidget: widget }) => {
    const siteB = await api.createSite({ as: api.asB, allowedOrigins: ['https://b.example'] });
    const token = await customerToken(siteB, 'crm-b');
    expect(issuePaths(await widget.submit('all-types', one('rating', 5), { customerToken: token }))).toEqual(['input.customerToken']);
  });

  it('the replay hash follows the customer, not the token text', async ({ site, surveyWidget: widget }) => {
    const idempotencyKey = randomUUID();
    const first = ok(await widget.submit('all-types', one('rating', 3), { idempotencyKey, customerToken: await customerToken(site, 'crm-7', { expiresIn: '1h' }) }));
    const refreshed = await customerToken(site, 'crm-7', { expiresIn: '2h' });
    expect(ok(await widget.submit('all-types', one('rating', 3), { idempotencyKey, customerToken: refreshed }))).toEqual(first);
    const otherPerson = await customerToken(site, 'crm-8');
    expect(await widget.submit('all-types', one('rating', 3), { idempotencyKey, customerToken: otherPerson })).toMatchObject({
      __typename: 'ConflictError',
      field: 'idempotencyKey',
    });
    expect(await widget.submit('all-types', one('rating', 3), { idempotencyKey })).toMatchObject({ __typename: 'ConflictError' });
  });
});

describe('callers', () => {
  it("a site of org B can neither see nor answer org A's survey", async ({ api }) => {
    const siteB = await api.createSite({ as: api.asB, allowedOrigins: ['https://b.example'] });
    const widgetB = widgetOf(api.withSite(siteB.publishableKey, siteB.origin));
    const before = await rowsOf(api, rawId(all.id));
    expect(await widgetB.survey('all-types')).toBeNull();
    expect((await widgetB.submit('all-types', one('rating', 5))).__typename).toBe('NotFoundError');
    expect(await rowsOf(api, rawId(all.id))).toBe(before);
  });

  it('API keys and anonymous callers cannot submit', async ({ api }) => {
    const vars = { input: { surveyKey: 'all-types', answers: one('rating', 5), idempotencyKey: randomUUID() } };
    expect((await api.asA.gql(SUBMIT_RESPONSE, vars)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await api.anonymous.gql(SUBMIT_RESPONSE, vars)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a request from an origin the site does not allow stores nothing', async ({ api, site }) => {
    const before = await rowsOf(api, rawId(all.id));
    const vars = { input: { surveyKey: 'all-types', answers: one('rating', 5), idempotencyKey: randomUUID() } };
    const result = await api.withSite(site.publishableKey, 'https://evil.example').gql(SUBMIT_RESPONSE, vars);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await rowsOf(api, rawId(all.id))).toBe(before);
  });
});
