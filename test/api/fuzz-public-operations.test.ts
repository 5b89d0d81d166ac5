/**
 * Property-based fuzz (fast-check, fixed seed): generated inputs thrown at every public operation
 * (site key, persisted documents) and every mutation (API key), through the HTTP app. Variables
 * follow each operation's declared types most of the time and anything else the rest: strings
 * with control characters, lone surrogates, huge strings, JSON nested thousands deep, wrong
 * types, nulls, unknown fields. Every answer must be a typed result or a typed error: never a
 * 5xx, never INTERNAL_SERVER_ERROR, no line at error level and no stack in the server's log
 * (the app's pino logger, read from memory); the server must still serve afterwards.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  isUnionType,
  Kind,
  parse,
  typeFromAST,
  type GraphQLInputType,
  type OperationDefinitionNode,
} from 'graphql';
import { describe, expect } from 'vitest';
import { createLogger, yogaLogger } from '../../server/logging/logger.ts';
import { persistedOperations } from '../../server/http/persisted-operations.ts';
import { schema } from '../../server/schema.ts';
import { createCareloopYoga, type CareloopYoga } from '../../server/yoga.ts';
import type { TestApi, TestSite } from '../helpers/api.ts';
import { test } from '../helpers/fixtures.ts';
import { persistedBody, send, siteHeaders, type Json, type RawResponse } from './security-fixtures.ts';
import { surveyInput, surveysOf } from './surveys-fixtures.ts';

const SEED = 20261202;
/** Runs per operation: 7 public operations and every mutation. */
const RUNS_PER_OPERATION = 15;

/** The server's log (JSON lines, as server/logging writes them) during the run. */
const logLines: string[] = [];
/** Strings the generator also picks, so that some inputs get past the first checks to the services. */
const known: string[] = ['fuzz', 'en', 'zh-CN', 'text', 'rating', 'single', 'a', 'x', 'article:42', 'DELIVERY', 'someone@example.com', '+4915112345678', '2026-01-02', '2026-01-02T03:04:05Z'];

/** The shared fixtures (test/helpers/fixtures.ts), and `yoga`: the app over the file's database, logging into logLines. */
const it = test.extend('yoga', { scope: 'file' }, ({ api }): CareloopYoga =>
  // Limits far above the run's few hundred requests: a 429 would be a typed error too, but hide the rest.
  createCareloopYoga({
    database: api.db,
    clock: api.clock,
    // The app's own logger (pino JSON lines through yoga's logger), into memory: the test reads every line.
    logging: yogaLogger(createLogger('debug', { write: (line: string) => void logLines.push(line) })),
    graphiql: false,
    rateLimits: { perIp: { points: 1e6, duration: 1 }, perSite: { points: 1e6, duration: 1 }, readPerIp: { points: 1e6, duration: 1 }, readPerSite: { points: 1e6, duration: 1 } },
  }),
);

it.beforeAll(async ({ api, yoga: _, site: __ }) => {
  const created = await surveysOf(api.asA).create(surveyInput('fuzz'));
  known.push(created.data.id);
  const customer = await api.asA.gql('mutation { createCustomer(input: { name: "Fuzz", email: "fuzz@example.com" }) { ... on MutationCreateCustomerSuccess { data { id } } } }');
  known.push(customer.data.createCustomer.data.id);
}, 60_000);

// ---- generated values -------------------------------------------------------------------------

/** JSON text nested `depth` deep, spliced into the body after JSON.stringify (which would overflow). */
const DEEP = /"@@deep:(\d+):([[{])@@"/g;
const deep = fc.record({ depth: fc.integer({ min: 15, max: 20_000 }), open: fc.constantFrom('[', '{') }).map(({ depth, open }) => `@@deep:${depth}:${open}@@`);
const spliceDeep = (json: string) =>
  json.replace(DEEP, (_m, depth: string, open: string) => (open === '[' ? `${'['.repeat(+depth)}1${']'.repeat(+depth)}` : `${'{"a":'.repeat(+depth)}1${'}'.repeat(+depth)}`));

const nastyChar = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'Z', ' ', 'é', '中', '😀', '-', '@', '.', ':', '\t', '\n', '\r') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) },
  // NUL is the one PostgreSQL refuses outright (text and jsonb): often.
  { weight: 2, arbitrary: fc.constant('\u0000') },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom('\u007f', '\u0085', '\u009f', '\u2028', '\ufeff', '\uffff', '\u200b', '\\', '"', "'", '%', '$') },
);
const nastyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: nastyChar, maxLength: 30 }) },
  { weight: 2, arbitrary: fc.constantFrom(...known) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.record({ c: nastyChar, n: fc.integer({ min: 1_000, max: 12_000 }) }).map(({ c, n }) => c.repeat(n)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...known), nastyChar).map(([k, c]) => k + c) },
);
/** Text PostgreSQL can store: such inputs get past the input checks to the services' own. */
const cleanText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...known) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('a', 'Z', ' ', 'é', '中', '😀', '-', '@', '.', ':', '1', '\n'), maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 12_000 }).map((n) => 'x'.repeat(n)) },
);

/** Anything at all, for a value of the wrong type. */
const anything: fc.Arbitrary<unknown> = fc.oneof(
  nastyText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(2 ** 53, -(2 ** 31) - 1, 1e308, 0.5),
  deep,
  fc.array(nastyText, { maxLength: 3 }),
  fc.dictionary(nastyText, nastyText, { maxKeys: 3 }),
);
const nastyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.dictionary(nastyText, nastyText, { maxKeys: 4 }) },
);
const cleanJson: fc.Arbitrary<unknown> = fc.oneof(fc.dictionary(cleanText, fc.oneof(cleanText, fc.integer(), fc.boolean()), { maxKeys: 4 }), cleanText, fc.integer({ min: 0, max: 10 }), fc.array(cleanText, { maxLength: 3 }));

/** Of the right shape, with now and then a nasty string or a deep JSON value: what reaches the database. */
const mixedText = fc.oneof({ weight: 6, arbitrary: cleanText }, { weight: 1, arbitrary: nastyText });
const mixedJson = fc.oneof({ weight: 4, arbitrary: cleanJson }, { weight: 1, arbitrary: deep }, { weight: 1, arbitrary: fc.dictionary(nastyText, nastyText, { maxKeys: 2 }) });

/** Values of the right kind for fields by name: inputs that pass the first checks and reach the services. */
const HINTS: Record<string, fc.Arbitrary<unknown>> = {
  idempotencyKey: fc.uuid({ version: 4 }),
  locale: fc.constantFrom('en', 'zh-CN'),
  surveyKey: fc.constant('fuzz'),
  questionKey: fc.constantFrom('rating', 'nps', 'ces', 'single', 'multi', 'text', 'yesno'),
  elapsedMs: fc.constant(45_000),
  category: fc.constant('DELIVERY'),
  description: fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\u0000', 'é'), minLength: 12, maxLength: 60 }),
  comment: mixedText,
  subject: mixedText,
  email: fc.constantFrom('someone@example.com', 'x\u0000@example.com'),
};

type Mode = 'clean' | 'mixed' | 'nasty';
const memos: Record<Mode, Map<GraphQLInputType, fc.Arbitrary<unknown>>> = { clean: new Map(), mixed: new Map(), nasty: new Map() };

/**
 * A value for a GraphQL input type. Nasty: of that type most of the time, with nasty leaves,
 * nulls, unknown fields and values of other types. Clean: of that type, with storable text,
 * so that it reaches the resolvers and services (which must answer it with a typed result).
 * Mixed: clean, but now and then a string is nasty or a JSON value deep.
 */
function valueOf(type: GraphQLInputType, mode: Mode, level = 0): fc.Arbitrary<unknown> {
  const clean = mode !== 'nasty';
  const text = mode === 'clean' ? cleanText : mode === 'mixed' ? mixedText : nastyText;
  if (level > 6) return clean ? fc.constant(null) : anything;
  if (isNonNullType(type)) {
    return clean ? valueOf(type.ofType, mode, level) : fc.oneof({ weight: 12, arbitrary: valueOf(type.ofType, mode, level) }, { weight: 1, arbitrary: fc.constant(null) });
  }
  const memo = memos[mode];
  const cached = memo.get(type);
  if (cached) return cached;
  let typed: fc.Arbitrary<unknown>;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    typed = fc.oneof({ weight: 4, arbitrary: fc.array(valueOf(nullable.ofType, mode, level + 1), { maxLength: 3 }) }, { weight: 1, arbitrary: valueOf(nullable.ofType, mode, level + 1) });
  } else if (isInputObjectType(nullable)) {
    const fields = Object.values(nullable.getFields());
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const field of fields) {
      const hinted = mode === 'nasty' ? undefined : HINTS[field.name];
      const value = valueOf(field.type, mode, level + 1);
      // Mostly what the field needs (a UUID for an idempotency key…), so the rest gets checked deeper down.
      shape[field.name] = hinted ? fc.oneof({ weight: 3, arbitrary: hinted }, { weight: 1, arbitrary: value }) : value;
    }
    const required = fields.filter((f) => isNonNullType(f.type)).map((f) => f.name);
    const record = fc.record(shape, { requiredKeys: required as never[] });
    typed = clean
      ? record
      : fc.oneof(
          { weight: 6, arbitrary: record },
          { weight: 1, arbitrary: fc.record(shape, { requiredKeys: [] }).chain((value) => fc.record({ [`unknown${level}`]: anything }).map((extra) => ({ ...value, ...extra }))) },
        );
  } else if (isEnumType(nullable)) {
    const names = fc.constantFrom(...nullable.getValues().map((v) => v.name));
    typed = clean ? names : fc.oneof({ weight: 6, arbitrary: names }, { weight: 1, arbitrary: text });
  } else if (isScalarType(nullable) && nullable.name === 'JSON') {
    typed = mode === 'clean' ? cleanJson : mode === 'mixed' ? mixedJson : nastyJson;
  } else if (isScalarType(nullable) && nullable.name === 'Int') {
    typed = fc.oneof(fc.integer({ min: -5, max: 100 }), fc.integer(), fc.constantFrom(2 ** 31, 1.5));
  } else if (isScalarType(nullable) && nullable.name === 'Float') {
    typed = fc.oneof(fc.double(), fc.integer({ min: 0, max: 100_000 }));
  } else if (isScalarType(nullable) && nullable.name === 'Boolean') {
    typed = fc.boolean();
  } else {
    // String, ID, Date, DateTime and any other scalar read from a string.
    typed = text;
  }
  const value = clean ? typed : fc.oneof({ weight: 8, arbitrary: typed }, { weight: 1, arbitrary: anything }, { weight: 1, arbitrary: fc.constant(undefined) });
  memo.set(type, value);
  return value;
}

/** Clean, mixed and nasty variables for an operation, a third each. */
function variablesOf(operation: OperationDefinitionNode): fc.Arbitrary<Json> {
  const of = (mode: Mode) => {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const definition of operation.variableDefinitions ?? []) {
      const type = typeFromAST(schema, definition.type as never) as GraphQLInputType;
      shape[definition.variable.name.value] = valueOf(type, mode);
    }
    return fc.record(shape, { requiredKeys: mode === 'nasty' ? [] : undefined });
  };
  return fc.oneof(of('clean'), of('mixed'), of('nasty'));
}

// ---- the operations -----------------------------------------------------------------------------

interface Target {
  name: string;
  operation: OperationDefinitionNode;
  request: (on: { api: TestApi; yoga: CareloopYoga; site: TestSite }, variables: Json) => Promise<RawResponse>;
}

function targets(): Target[] {
  const list: Target[] = [];
  for (const persisted of persistedOperations.values()) {
    const operation = persisted.ast.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    list.push({
      name: `public ${persisted.name}`,
      operation,
      request: ({ yoga, site }, variables) => send(yoga, { headers: siteHeaders(site), ip: '198.51.100.77', body: spliceDeep(JSON.stringify(persistedBody(persisted.name, variables))) }),
    });
  }
  const mutation = schema.getMutationType()!;
  for (const field of Object.values(mutation.getFields())) {
    const signature = field.args.map((arg) => `$${arg.name}: ${arg.type}`).join(', ');
    const call = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
    const selection = isUnionType(getNullableType(field.type)) ? '__typename ... on Error { message } ... on ValidationError { issues { path message } }' : '__typename';
    const document = `mutation Fuzz${signature ? `(${signature})` : ''} { ${field.name}${call ? `(${call})` : ''} { ${selection} } }`;
    const operation = parse(document).definitions[0] as OperationDefinitionNode;
    list.push({
      name: `mutation ${field.name}`,
      operation,
      request: ({ api, yoga }, variables) =>
        send(yoga, { headers: { authorization: `Bearer ${api.orgA.key}` }, body: spliceDeep(JSON.stringify({ query: document, variables })) }),
    });
  }
  return list;
}

/** What is wrong with an answer, or undefined when it is a typed result or a typed error. */
function problemOf(response: RawResponse): string | undefined {
  if (response.status >= 500) return `HTTP ${response.status}`;
  const { data, errors } = response.body as { data?: Json | null; errors?: Json[] };
  if (errors === undefined && (data === undefined || data === null)) return 'neither data nor errors';
  for (const error of errors ?? []) {
    const code = error.extensions?.code;
    if (!code) return `an error without a code: ${error.message}`;
    if (code === 'INTERNAL_SERVER_ERROR' || error.extensions?.unexpected) return `${code}: ${error.message}`;
  }
  for (const value of Object.values(data ?? {})) {
    if (value && typeof value === 'object' && !('__typename' in value) && !Array.isArray(value)) return 'a result without __typename';
  }
  return undefined;
}

const codes = new Map<string, number>();
/** Lines the log got: the refusals (FORBIDDEN, BAD_USER_INPUT…) at info, so the check reads a live log. */
let linesRead = 0;
let cases = 0;

describe('fuzz: every public operation and every mutation', () => {
  const all = targets();

  it('covers the 7 public operations and every mutation', () => {
    expect(all.filter((t) => t.name.startsWith('public')).map((t) => t.name).sort()).toEqual(
      [
        'public ComplaintStatus',
        'public ConfirmComplaintResolution',
        'public FileComplaint',
        'public PublicSurvey',
        'public ReplyToComplaint',
        'public SubmitResolutionCheck',
        'public SubmitSurveyResponse',
      ],
    );
    expect(all.length).toBe(7 + Object.keys(schema.getMutationType()!.getFields()).length);
  });

  for (const [index, target] of all.entries()) {
    it(`${target.name}: typed results and typed errors only, no error or stack in the log`, async ({ api, yoga, site }) => {
      await fc.assert(
        fc.asyncProperty(variablesOf(target.operation), async (variables) => {
          cases++;
          const response = await target.request({ api, yoga, site }, variables);
          const problem = problemOf(response);
          const key = response.body.errors?.[0]?.extensions?.code ?? Object.values(response.body.data ?? {}).map((v: any) => v?.__typename ?? 'null').join(',');
          codes.set(key, (codes.get(key) ?? 0) + 1);
          if (problem) throw new Error(`${problem}\n${JSON.stringify(response.body).slice(0, 800)}`);
          // Nothing at error level or above, and no stack: refusals are logged at info without one.
          linesRead += logLines.length;
          const bad = logLines.filter((line) => JSON.parse(line).level >= 50 || line.includes('"stack"'));
          logLines.length = 0;
          if (bad.length) throw new Error(`logged: ${bad.join('\n').slice(0, 800)}\n${JSON.stringify(response.body).slice(0, 600)}`);
        }),
        { seed: SEED + index, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
    }, 60_000);
  }

  it('the server still serves afterwards: an API-key query and a widget submission', async ({ api, yoga, site }) => {
    const query = await send(yoga, { headers: { authorization: `Bearer ${api.orgA.key}` }, body: { query: '{ organization { id } }' } });
    expect(query.body.data?.organization?.id).toBeTruthy();
    const check = await send(yoga, {
      headers: siteHeaders(site),
      body: persistedBody('SubmitResolutionCheck', { input: { subject: 'article:1', solved: true, idempotencyKey: randomUUID(), locale: 'en' } }),
    });
    expect(check.body.data?.submitResolutionCheck?.__typename, JSON.stringify(check.body)).toBe('MutationSubmitResolutionCheckSuccess');
    console.info(`fuzz: ${cases} cases over ${all.length} operations (seed ${SEED}), ${linesRead} log lines; answers: ${JSON.stringify(Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])))}`);
    expect(cases).toBe(all.length * RUNS_PER_OPERATION);
    expect(linesRead).toBeGreaterThan(0);
  });
});
