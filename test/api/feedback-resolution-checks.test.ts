import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { dataOf, type Caller, type TestApi } from '../helpers/api.ts';
import { test } from '../helpers/fixtures.ts';
import {
  check,
  customerToken,
  feedbackCount,
  feedbackItem,
  issuePaths,
  ok,
  submit,
  submitRaw,
  unsignedToken,
} from './feedback-fixtures.ts';

/** The shared fixtures, with the file's site also allowing a wildcard help center (its widget sends from the shop). */
const it = test.override('site', { scope: 'file' }, ({ api }) =>
  api.createSite({ allowedOrigins: ['https://shop.example.com', 'https://*.help.example.com'] }),
);
it.beforeAll(({ widget: _ }) => {});

/** Every attack below must leave the org's feedback count as it was. */
let countBefore: number;
it.beforeEach(async ({ api }) => {
  countBefore = await feedbackCount(api.asA);
});
const expectNothingStored = async (api: TestApi) => expect(await feedbackCount(api.asA)).toBe(countBefore);

describe('a stored check', () => {
  it('keeps every field as given and answers with a receipt naming the Feedback node', async ({ api, site, widget }) => {
    const input = check({
      subject: '  article:42  ',
      solved: false,
      reason: 'INCOMPLETE',
      comment: '  Step 3 <b>fails</b> on Android  ',
      agentRating: 4,
      context: { pageUrl: 'https://shop.example.com/help/42', agentId: 'agent-7', touchpointId: 'tp-1' },
      locale: 'zh-CN',
    });
    const receipt = ok(await submit(widget, input));
    expect(Date.parse(receipt.receivedAt)).not.toBeNaN();
    const item = await feedbackItem(api.asA, receipt.feedbackId);
    expect(item).toMatchObject({
      id: receipt.feedbackId,
      kind: 'RESOLUTION_CHECK',
      subject: 'article:42',
      solved: false,
      reason: 'INCOMPLETE',
      comment: '  Step 3 <b>fails</b> on Android  ',
      agentRating: 4,
      locale: 'zh-CN',
      siteId: site.id,
      customer: null,
      survey: null,
      answers: [],
      score: null,
      context: { pageUrl: 'https://shop.example.com/help/42', agentId: 'agent-7', touchpointId: 'tp-1', subject: null, complaintReference: null },
    });
    expect(await feedbackCount(api.asA)).toBe(countBefore + 1);
  });

  it('accepts each kind of subject and an origin matching a wildcard rule', async ({ api, site }) => {
    const fromHelpCenter = api.withSite(site.publishableKey, 'https://zh.help.example.com');
    for (const subject of ['https://shop.example.com/p/kettle?tab=faq', 'article:KB-1001', 'answer:9f2c', 'C-7K2M-9QXD']) {
      const receipt = ok(await submit(fromHelpCenter, check({ subject })));
      expect((await feedbackItem(api.asA, receipt.feedbackId))!.subject).toBe(subject);
    }
  });

  it('is not a field an API key may call', async ({ api }) => {
    const result = await submitRaw(api.asA, check());
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await expectNothingStored(api);
  });
});

describe('who may submit', () => {
  it('refuses a wrong origin and stores nothing', async ({ api, site }) => {
    const result = await submitRaw(api.withSite(site.publishableKey, 'https://evil.example.com'), check());
    expect(result.status).toBe(403);
    expect(result.data ?? null).toBeNull();
    await expectNothingStored(api);
  });

  it('refuses a missing origin and stores nothing', async ({ api, site }) => {
    const noOrigin = api.withHeaders({ 'x-careloop-site-key': site.publishableKey });
    const result = await submitRaw(noOrigin, check());
    expect(result.status).toBe(403);
    expect(result.errors?.[0]?.message).toMatch(/Origin/);
    await expectNothingStored(api);
  });

  it('refuses a subdomain lookalike of a wildcard rule', async ({ api, site }) => {
    const result = await submitRaw(api.withSite(site.publishableKey, 'https://evilhelp.example.com'), check());
    expect(result.status).toBe(403);
    await expectNothingStored(api);
  });

  it('refuses an unknown or malformed site key and stores nothing', async ({ api, site }) => {
    for (const key of ['pk_AAAAAAAAAAAAAAAAAAAAAAAA', 'pk_short', site.publishableKey.toUpperCase()]) {
      const result = await submitRaw(api.withSite(key, site.origin), check());
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    await expectNothingStored(api);
  });
});

describe('customer tokens', () => {
  const rejects = async (api: TestApi, widget: Caller, token: string, message: RegExp) => {
    const result = await submit(widget, check({ customerToken: token }));
    expect(issuePaths(result)).toEqual(['input.customerToken']);
    expect(result.message).toMatch(message);
    await expectNothingStored(api);
  };

  it('refuses a token signed with another secret (forged)', async ({ api, site, widget }) => {
    await rejects(api, widget, await customerToken(site, { sub: 'forged' }, { secret: 'whsec_not-the-sites-secret-at-all-0123456789' }), /signature/);
  });

  it("refuses a token signed with another site's secret", async ({ api, widget }) => {
    const other = await api.createSite({ allowedOrigins: ['https://other.example.com'] });
    await rejects(api, widget, await customerToken(other, { sub: 'cross-site' }), /signature/);
  });

  it('refuses an expired token', async ({ api, site, widget }) => {
    await rejects(api, widget, await customerToken(site, { sub: 'late' }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }), /expired/);
  });

  it('refuses an unsigned token (alg none)', async ({ api, widget }) => {
    await rejects(api, widget, unsignedToken('nobody'), /HS256|malformed/);
  });

  it('refuses a token that expires more than 24 hours ahead', async ({ api, site, widget }) => {
    await rejects(api, widget, await customerToken(site, { sub: 'forever' }, { expiresIn: '25h' }), /24 hours/);
  });

  it('refuses a token without sub', async ({ api, site, widget }) => {
    await rejects(api, widget, await customerToken(site, {}, { omitSub: true }), /sub/);
  });

  it('refuses garbage', async ({ api, widget }) => {
    await rejects(api, widget, 'not.a.jwt', /malformed/);
  });

  it('links a valid token to the customer: a stub with the externalId, reused next time', async ({ api, site, widget }) => {
    const token = await customerToken(site, { sub: 'cust-777', name: 'Mei Lin' });
    const first = ok(await submit(widget, check({ customerToken: token })));
    const second = ok(await submit(widget, check({ customerToken: await customerToken(site, { sub: 'cust-777' }), solved: false })));
    const [a, b] = [await feedbackItem(api.asA, first.feedbackId), await feedbackItem(api.asA, second.feedbackId)];
    expect(a!.customer).toMatchObject({ externalId: 'cust-777', name: 'Mei Lin' });
    expect(b!.customer!.id).toBe(a!.customer!.id);
    const customers = dataOf(await api.asA.gql('{ customers(first: 100) { edges { node { externalId } } } }')).customers.edges;
    expect(customers.filter((e: { node: { externalId: string } }) => e.node.externalId === 'cust-777')).toHaveLength(1);
  });

  it('links to an existing customer with that externalId', async ({ api, site, widget }) => {
    const created = dataOf(
      await api.asA.gql(`mutation { createCustomer(input: { externalId: "known-1", name: "Known" }) {
        ... on MutationCreateCustomerSuccess { data { id } } } }`),
    ).createCustomer.data;
    const receipt = ok(await submit(widget, check({ customerToken: await customerToken(site, { sub: 'known-1' }) })));
    expect((await feedbackItem(api.asA, receipt.feedbackId))!.customer).toMatchObject({ id: created.id, name: 'Known' });
  });
});

describe('input rules', () => {
  it('takes a reason only for a "no"', async ({ api, widget }) => {
    const result = await submit(widget, check({ solved: true, reason: 'TOO_SLOW' }));
    expect(issuePaths(result)).toEqual(['input.reason']);
    await expectNothingStored(api);
    for (const reason of ['NOT_SOLVED', 'INCOMPLETE', 'WRONG_ANSWER', 'TOO_SLOW', 'OTHER']) {
      ok(await submit(widget, check({ solved: false, reason })));
    }
    ok(await submit(widget, check({ solved: false })));
  });

  it('takes an agent rating 1–5 only with the agent it rates', async ({ api, widget }) => {
    expect(issuePaths(await submit(widget, check({ agentRating: 5 })))).toEqual(['input.agentRating']);
    expect(issuePaths(await submit(widget, check({ agentRating: 5, context: { pageUrl: 'https://x.example' } })))).toEqual([
      'input.agentRating',
    ]);
    expect(issuePaths(await submit(widget, check({ agentRating: 5, context: { agentId: '   ' } })))).toEqual(['input.agentRating']);
    for (const agentRating of [0, 6, -1, 100]) {
      expect(issuePaths(await submit(widget, check({ agentRating, context: { agentId: 'a-1' } })))).toEqual(['input.agentRating']);
    }
    await expectNothingStored(api);
    ok(await submit(widget, check({ agentRating: 1, context: { agentId: 'a-1' } })));
    ok(await submit(widget, check({ agentRating: 5, context: { agentId: 'a-1' } })));
  });

  it('refuses a non-integer rating before any resolver runs', async ({ api, widget }) => {
    const result = await submitRaw(widget, check({ agentRating: 4.5, context: { agentId: 'a-1' } }));
    expect(result.errors?.length).toBeGreaterThan(0);
    await expectNothingStored(api);
  });

  it('refuses an empty, blank or oversize subject', async ({ api, widget }) => {
    for (const subject of ['', '   ', 'x'.repeat(501), `https://shop.example.com/${'a'.repeat(600)}`]) {
      expect(issuePaths(await submit(widget, check({ subject })))).toEqual(['input.subject']);
    }
    await expectNothingStored(api);
    ok(await submit(widget, check({ subject: 'x'.repeat(500) })));
  });

  it('refuses an oversize comment and oversize context text', async ({ api, widget }) => {
    expect(issuePaths(await submit(widget, check({ solved: false, comment: 'x'.repeat(2001) })))).toEqual(['input.comment']);
    expect(issuePaths(await submit(widget, check({ context: { pageUrl: 'x'.repeat(3000) } })))).toEqual(['input.context.pageUrl']);
    expect(issuePaths(await submit(widget, check({ context: { agentId: 'x'.repeat(201) } })))).toEqual(['input.context.agentId']);
    await expectNothingStored(api);
    ok(await submit(widget, check({ solved: false, comment: '好'.repeat(2000) })));
  });

  it('refuses an idempotency key that is not a UUID and a malformed locale', async ({ api, widget }) => {
    expect(issuePaths(await submit(widget, check({ idempotencyKey: 'retry-1' })))).toEqual(['input.idempotencyKey']);
    expect(issuePaths(await submit(widget, check({ locale: 'english please' })))).toEqual(['input.locale']);
    await expectNothingStored(api);
  });

  it('reports every bad field at once', async ({ widget }) => {
    const paths = issuePaths(await submit(widget, check({ subject: '', comment: 'x'.repeat(2001), idempotencyKey: 'nope' })));
    expect(paths.sort()).toEqual(['input.comment', 'input.idempotencyKey', 'input.subject']);
  });
});

describe('idempotency', () => {
  it('returns the first receipt for a replay and stores one row', async ({ api, widget }) => {
    const input = check({ solved: false, reason: 'WRONG_ANSWER', comment: 'no', context: { pageUrl: 'https://shop.example.com/a' } });
    const first = ok(await submit(widget, input));
    // A retry from the widget's queue may spell absent fields as null: still the same payload.
    const second = ok(await submit(widget, { ...input, agentRating: null, locale: null }));
    expect(second).toEqual(first);
    expect(await feedbackCount(api.asA)).toBe(countBefore + 1);
  });

  it('treats the same customer with a freshly signed token as a replay', async ({ api, site, widget }) => {
    const input = check({ customerToken: await customerToken(site, { sub: 'retry-cust' }, { expiresIn: '1h' }) });
    const first = ok(await submit(widget, input));
    const second = ok(await submit(widget, { ...input, customerToken: await customerToken(site, { sub: 'retry-cust' }, { expiresIn: '2h' }) }));
    expect(second).toEqual(first);
    expect(await feedbackCount(api.asA)).toBe(countBefore + 1);
  });

  it('still replays after the customer was merged into another in between', async ({ api, site, widget }) => {
    const input = check({ customerToken: await customerToken(site, { sub: 'merged-away' }) });
    const first = ok(await submit(widget, input));
    const stubId = (await feedbackItem(api.asA, first.feedbackId))!.customer.id;
    const target = dataOf(
      await api.asA.gql(`mutation { createCustomer(input: { name: "Survivor" }) { ... on MutationCreateCustomerSuccess { data { id } } } }`),
    ).createCustomer.data.id;
    const merged = dataOf(
      await api.asA.gql(`mutation($s: ID!, $t: ID!) { mergeCustomers(input: { sourceId: $s, targetId: $t }) { __typename } }`, { s: stubId, t: target }),
    );
    expect(merged.mergeCustomers.__typename).toBe('MutationMergeCustomersSuccess');
    expect(ok(await submit(widget, input))).toEqual(first);
    expect((await feedbackItem(api.asA, first.feedbackId))!.customer.id).toBe(target);
    expect(await feedbackCount(api.asA)).toBe(countBefore + 1);
  });

  it('answers a reused key with another payload with a ConflictError and changes nothing', async ({ api, site, widget }) => {
    const input = check({ solved: true });
    const first = ok(await submit(widget, input));
    for (const changed of [
      { solved: false },
      { subject: 'article:other' },
      { comment: 'added later' },
      { locale: 'en' },
      { context: { agentId: 'a-2' } },
      { customerToken: await customerToken(site, { sub: 'someone-else' }) },
    ]) {
      const result = await submit(widget, { ...input, ...changed });
      expect(result).toMatchObject({ __typename: 'ConflictError', field: 'idempotencyKey' });
    }
    expect((await feedbackItem(api.asA, first.feedbackId))!.solved).toBe(true);
    expect(await feedbackCount(api.asA)).toBe(countBefore + 1);
  });

  it('completes a Yes with the agent rating sent later under the same key: one row, rated, idempotent after', async ({ api, widget }) => {
    const input = check({ solved: true, context: { agentId: 'agent-9', pageUrl: 'https://shop.example.com/help' }, locale: 'en' });
    const first = ok(await submit(widget, input));
    expect((await feedbackItem(api.asA, first.feedbackId))!.agentRating).toBeNull();
    const rated = { ...input, agentRating: 4 };
    expect(ok(await submit(widget, rated))).toEqual(first);
    expect(await feedbackItem(api.asA, first.feedbackId)).toMatchObject({ solved: true, agentRating: 4, reason: null, comment: null });
    // A replay of the rated answer, and the first send arriving late (from a queue): the same receipt.
    expect(ok(await submit(widget, rated))).toEqual(first);
    expect(ok(await submit(widget, input))).toEqual(first);
    expect((await feedbackItem(api.asA, first.feedbackId))!.agentRating).toBe(4);
    // Another rating, or the rating with anything else changed, is another answer.
    for (const changed of [{ agentRating: 5 }, { agentRating: 4, locale: 'zh-CN' }, { agentRating: 4, solved: false }, { agentRating: 4, comment: 'and a comment' }]) {
      expect(await submit(widget, { ...input, ...changed }), JSON.stringify(changed)).toMatchObject({ __typename: 'ConflictError', field: 'idempotencyKey' });
    }
    expect(await feedbackItem(api.asA, first.feedbackId)).toMatchObject({ solved: true, agentRating: 4, comment: null, locale: 'en' });
    expect(await feedbackCount(api.asA)).toBe(countBefore + 1);
  });

  it('completes a No with its reason, comment and rating sent later; a changed part is a conflict', async ({ api, widget }) => {
    const input = check({ solved: false, context: { agentId: 'agent-9' } });
    const first = ok(await submit(widget, input));
    const completed = { ...input, reason: 'INCOMPLETE', comment: 'Step 3 is missing.', agentRating: 2 };
    expect(ok(await submit(widget, completed))).toEqual(first);
    expect(await feedbackItem(api.asA, first.feedbackId)).toMatchObject({ solved: false, reason: 'INCOMPLETE', comment: 'Step 3 is missing.', agentRating: 2 });
    expect(ok(await submit(widget, completed))).toEqual(first);
    expect(ok(await submit(widget, input))).toEqual(first);
    for (const changed of [{ reason: 'TOO_SLOW' }, { comment: 'Something else.' }, { agentRating: 3 }]) {
      expect(await submit(widget, { ...completed, ...changed }), JSON.stringify(changed)).toMatchObject({ __typename: 'ConflictError' });
    }
    expect(await feedbackItem(api.asA, first.feedbackId)).toMatchObject({ reason: 'INCOMPLETE', comment: 'Step 3 is missing.', agentRating: 2 });
    expect(await feedbackCount(api.asA)).toBe(countBefore + 1);
  });

  it('completes in either order: the rated answer first, then the first send late, is one rated row', async ({ api, widget }) => {
    const input = check({ context: { agentId: 'agent-9' } });
    const rated = ok(await submit(widget, { ...input, agentRating: 5 }));
    expect(ok(await submit(widget, input))).toEqual(rated);
    expect((await feedbackItem(api.asA, rated.feedbackId))!.agentRating).toBe(5);
    expect(await feedbackCount(api.asA)).toBe(countBefore + 1);
  });

  it('completes an answer sent with a customer token (its transaction), the token freshly signed', async ({ api, site, widget }) => {
    const input = check({ context: { agentId: 'agent-9' }, customerToken: await customerToken(site, { sub: 'rating-cust' }) });
    const first = ok(await submit(widget, input));
    const resigned = await customerToken(site, { sub: 'rating-cust' }, { expiresIn: '2h' });
    expect(ok(await submit(widget, { ...input, customerToken: resigned, agentRating: 3 }))).toEqual(first);
    expect(await feedbackItem(api.asA, first.feedbackId)).toMatchObject({ agentRating: 3, customer: { externalId: 'rating-cust' } });
    const someoneElse = await customerToken(site, { sub: 'not-rating-cust' });
    expect(await submit(widget, { ...input, customerToken: someoneElse, agentRating: 3 })).toMatchObject({ __typename: 'ConflictError' });
  });

  it('completes once under ten concurrent rated sends: every caller gets the first receipt', async ({ api, widget }) => {
    const input = check({ context: { agentId: 'agent-9' } });
    const first = ok(await submit(widget, input));
    const results = await Promise.all(Array.from({ length: 10 }, () => submit(widget, { ...input, agentRating: 4 })));
    for (const result of results) expect(ok(result)).toEqual(first);
    expect((await feedbackItem(api.asA, first.feedbackId))!.agentRating).toBe(4);
    expect(await feedbackCount(api.asA)).toBe(countBefore + 1);
  });

  it('keeps keys per site: the same key on another site is another submission', async ({ api, widget }) => {
    const other = await api.createSite({ allowedOrigins: ['https://second.example.com'] });
    const input = check();
    const first = ok(await submit(widget, input));
    const second = ok(await submit(api.withSite(other.publishableKey, other.origin), input));
    expect(second.feedbackId).not.toBe(first.feedbackId);
    expect(await feedbackCount(api.asA)).toBe(countBefore + 2);
  });

  it('stores one row for ten concurrent identical submissions, and every caller gets its id', async ({ api, widget }) => {
    const input = check({ solved: false, reason: 'TOO_SLOW' });
    const results = await Promise.all(Array.from({ length: 10 }, () => submit(widget, input)));
    const ids = new Set(results.map((result) => ok(result).feedbackId));
    expect(ids.size).toBe(1);
    expect(await feedbackCount(api.asA)).toBe(countBefore + 1);
  });

  it('stores one row and one stub customer for ten concurrent identical submissions with a token', async ({ api, site, widget }) => {
    const input = check({ customerToken: await customerToken(site, { sub: `burst-${randomUUID()}` }) });
    const results = await Promise.all(Array.from({ length: 10 }, () => submit(widget, input)));
    const ids = new Set(results.map((result) => ok(result).feedbackId));
    expect(ids.size).toBe(1);
    expect(await feedbackCount(api.asA)).toBe(countBefore + 1);
    const customerId = (await feedbackItem(api.asA, [...ids][0]!))!.customer.id;
    expect(await feedbackCount(api.asA, { customerId })).toBe(1);
  });

  it('stores a row for each of ten concurrent submissions with distinct keys', async ({ api, widget }) => {
    const results = await Promise.all(Array.from({ length: 10 }, () => submit(widget, check())));
    expect(new Set(results.map((result) => ok(result).feedbackId)).size).toBe(10);
    expect(await feedbackCount(api.asA)).toBe(countBefore + 10);
  });
});

describe('work per request', () => {
  /** SQL statements one submission sends, besides the site-key lookup every widget request makes. */
  const statementsFor = async (api: TestApi, widget: Caller, input: Record<string, unknown>) => {
    api.statements.reset();
    ok(await submit(widget, input));
    return api.statements.statements.filter((s) => !/from "sites"/.test(s));
  };

  it('is a single INSERT … ON CONFLICT DO NOTHING, with its event in the same statement, without a customer token', async ({ api, widget }) => {
    const statements = await statementsFor(api, widget, check({ solved: false, reason: 'OTHER', context: { agentId: 'a' }, agentRating: 3 }));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^with "inserted" as \(insert into "feedback".*on conflict .* do nothing returning .*\) insert into "events"/is);
  });

  it('adds only the customer lookup with a token (known customer)', async ({ api, site, widget }) => {
    const token = await customerToken(site, { sub: 'known-for-count' });
    ok(await submit(widget, check({ customerToken: token })));
    const statements = await statementsFor(api, widget, check({ customerToken: token }));
    expect(statements.map((s) => s.split(' ').slice(0, 3).join(' '))).toEqual(['select "id" from', 'with "inserted" as']);
  });
});
