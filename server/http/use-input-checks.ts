import {
  getNamedType,
  getOperationAST,
  getNullableType,
  GraphQLError,
  isInputObjectType,
  isListType,
  Kind,
  Source,
  typeFromAST,
  valueFromASTUntyped,
  type ASTNode,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { FieldIssue } from '../shared/errors.ts';
import { limits, textProblem } from '../shared/limits.ts';
import { QUERY_LIMITS } from './use-query-limits.ts';

/** How many documents that passed the nesting scan are remembered (then forgotten all at once), up to what length: at most 4 MB. */
const PASSED_KEPT = 500;
const PASSED_MAX_LENGTH = 8_192;

/** Scalars whose input is any JSON value: nested at most limits.jsonDepth deep. */
const JSON_SCALARS: ReadonlySet<string> = new Set(['JSON']);

/** Issues reported for one request at most: the first few say what is wrong. */
const MAX_ISSUES = 10;

type Path = (string | number)[];

/**
 * The problems of an input value, walked without recursion along its GraphQL type: every string
 * (keys included) must be storable text (textProblem: no NUL or other control characters but
 * tab and line breaks, no lone surrogates); a JSON scalar's value nests at most
 * limits.jsonDepth deep; and nothing nests deeper than QUERY_LIMITS.maxNesting, typed or not
 * (a value that does not fit its type is left to graphql-js, which refuses it, but is still
 * looked through first).
 */
export function inputIssues(value: unknown, type: GraphQLInputType | undefined, path: Path, issues: FieldIssue[] = []): FieldIssue[] {
  // Paths are built only for an issue, from each item's key and parent.
  interface Item {
    value: unknown;
    type: GraphQLInputType | undefined;
    key: string | number | undefined;
    parent: Item | undefined;
    depth: number;
    /** How deep inside a JSON scalar's value (-1: not inside one). */
    json: number;
  }
  const pathOf = (item: Item, key?: string): Path => {
    const keys: Path = key === undefined ? [] : [key];
    for (let at: Item | undefined = item; at?.key !== undefined; at = at.parent) keys.push(at.key);
    return [...path, ...keys.reverse()];
  };
  const stack: Item[] = [{ value, type, key: undefined, parent: undefined, depth: 0, json: -1 }];
  while (stack.length && issues.length < MAX_ISSUES) {
    const item = stack.pop()!;
    let { type, json } = item;
    const current = item.value;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) issues.push({ path: pathOf(item), message: problem });
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (type && json < 0) {
      type = getNullableType(type);
      if (!isListType(type) && JSON_SCALARS.has(getNamedType(type).name)) {
        json = 0;
        type = undefined;
      }
    }
    if (json >= limits.jsonDepth) {
      issues.push({ path: pathOf(item), message: `must not nest objects and arrays more than ${limits.jsonDepth} deep` });
      continue;
    }
    if (path.length + item.depth > QUERY_LIMITS.maxNesting) {
      issues.push({ path: pathOf(item), message: `is nested too deep (more than ${QUERY_LIMITS.maxNesting} levels)` });
      continue;
    }
    const inner = json >= 0 ? json + 1 : -1;
    const depth = item.depth + 1;
    if (Array.isArray(current)) {
      // A list type's items have its item type; anything else given a list is not of its type.
      const itemType = type && isListType(type) ? type.ofType : undefined;
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], type: itemType, key: i, parent: item, depth, json: inner });
      continue;
    }
    // GraphQL coerces a single value given for a list type as a list of one.
    let objectType = type && isListType(type) ? getNullableType(type.ofType) : type;
    if (objectType && isListType(objectType)) objectType = undefined;
    const fields = objectType && isInputObjectType(objectType) ? objectType.getFields() : undefined;
    const keys = Object.keys(current);
    // Pushed last to first, so that they are looked at (and reported) in order.
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const problem = textProblem(key);
      if (problem) {
        issues.push({ path: pathOf(item, key), message: `has a key that ${problem}` });
        continue;
      }
      stack.push({ value: (current as Record<string, unknown>)[key], type: fields?.[key]?.type, key, parent: item, depth, json: inner });
    }
  }
  return issues;
}

export const badUserInput = (issues: FieldIssue[], nodes?: readonly ASTNode[], prefix = '') =>
  new GraphQLError(issues.map((issue) => `${prefix}${issue.path.join('.')}: ${issue.message}`).join('; '), {
    nodes,
    // `spec` as for graphql-js's own refusal of a variable: a request error, 400 under
    // application/graphql-response+json and 200 under application/json (GraphQL over HTTP).
    extensions: { code: 'BAD_USER_INPUT', issues, http: { status: 400, spec: true } },
  });

/** Each operation's variable types, looked up once (widget documents are the same objects every time). */
const variableTypes = new WeakMap<OperationDefinitionNode, { schema: GraphQLSchema; byName: Map<string, GraphQLInputType | undefined> }>();

/** The variables' problems, each named by its path from the variable (`["input", "description"]`). */
export function variableIssues(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: unknown): FieldIssue[] {
  if (!variables || typeof variables !== 'object') return [];
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  let types = variableTypes.get(operation);
  if (!types || types.schema !== schema) {
    types = { schema, byName: new Map() };
    for (const variable of operation.variableDefinitions ?? []) {
      types.byName.set(variable.variable.name.value, typeFromAST(schema, variable.type as never) as GraphQLInputType | undefined);
    }
    variableTypes.set(operation, types);
  }
  const issues: FieldIssue[] = [];
  for (const [name, value] of Object.entries(variables)) {
    inputIssues(value, types.byName.get(name), [name], issues);
    if (issues.length >= MAX_ISSUES) break;
  }
  return issues;
}

/**
 * Literals in the document (arguments, directive arguments, variable defaults) held to the same
 * rules, named by field and argument (`["createCustomer", "input", "attributes", "a"]`). A
 * validation rule, so that yoga caches its verdict with the document's.
 */
export const StorableLiteralsRule: ValidationRule = (context) => ({
  Argument(node, _key, _parent, _path, ancestors) {
    const argument = context.getArgument();
    // The field or directive the argument belongs to (the argument list is the parent).
    const owner = ancestors[ancestors.length - 1];
    const ownerName =
      owner && !Array.isArray(owner) && 'kind' in owner
        ? owner.kind === Kind.FIELD
          ? (owner.alias ?? owner.name).value
          : owner.kind === Kind.DIRECTIVE
            ? `@${owner.name.value}`
            : undefined
        : undefined;
    const issues = inputIssues(valueFromASTUntyped(node.value), argument?.type, [...(ownerName ? [ownerName] : []), node.name.value]);
    if (issues.length) context.reportError(badUserInput(issues, [node]));
  },
  VariableDefinition(node) {
    if (!node.defaultValue) return;
    const type = typeFromAST(context.getSchema(), node.type as never) as GraphQLInputType | undefined;
    const issues = inputIssues(valueFromASTUntyped(node.defaultValue), type, [`$${node.variable.name.value}`]);
    if (issues.length) context.reportError(badUserInput(issues, [node]));
  },
});

/**
 * How deep `{`, `[` and `(` nest in a document's text (outside strings and comments), read
 * before anything parses it: graphql-js parses recursively and runs out of stack near 1,500
 * levels, while GraphQL Armor's token limit (2,000) only counts tokens as the parser reads them,
 * so `[[[[…` 20,000 deep reaches ~2,000 levels first (HTTP 500 on a cold process, measured).
 * Stops at the first bracket past `max`, returning where it is and, if it sits in an argument's
 * literal, the path to it.
 */
export function nestingPastLimit(text: string, max: number): { index: number; path?: string[] } | undefined {
  // Where each open bracket is (never more than max + 1).
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      if (text.startsWith('"""', i)) {
        const end = blockStringEnd(text, i + 3);
        if (end < 0) return undefined;
        i = end + 2;
      } else {
        i++;
        while (i < text.length && text.charCodeAt(i) !== 0x22 && text.charCodeAt(i) !== 0x0a) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      }
    } else if (c === 0x23 /* # */) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */ || c === 0x28 /* ( */) {
      open.push(i);
      if (open.length > max) return { index: i, path: literalPath(text, open) };
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */ || c === 0x29 /* ) */) {
      open.pop();
    }
  }
  return undefined;
}

function blockStringEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text.charCodeAt(i) === 0x5c && text.startsWith('\\"""', i)) i += 3;
    else if (text.startsWith('"""', i)) return i;
  }
  return -1;
}

const NAME_BEFORE = /([_A-Za-z][_0-9A-Za-z]*)\s*$/;
const KEY_BEFORE = /([_A-Za-z][_0-9A-Za-z]*)\s*:\s*$/;

/**
 * When the deepest brackets are an argument's literal: the field, the argument and the object
 * keys down to the first list, read from the text just before each open bracket. Undefined
 * outside arguments (selections nested too deep).
 */
function literalPath(text: string, open: number[]): string[] | undefined {
  const paren = open.findIndex((at) => text.charCodeAt(at) === 0x28);
  if (paren < 0) return undefined;
  const before = (at: number) => text.slice(Math.max(0, at - 200), at);
  const field = NAME_BEFORE.exec(before(open[paren]!))?.[1];
  const path = field ? [field] : [];
  for (const at of open.slice(paren + 1)) {
    const key = KEY_BEFORE.exec(before(at))?.[1];
    if (!key) break;
    path.push(key);
  }
  return path.length > (field ? 1 : 0) ? path : undefined;
}

/** The refusal of a document that nests past QUERY_LIMITS.maxNesting, before it is parsed. */
function tooDeepDocument(text: string, found: { index: number; path?: string[] }): GraphQLError {
  const max = QUERY_LIMITS.maxNesting;
  // With the source and position, the error carries the bracket's line and column.
  const where = { source: new Source(text), positions: [found.index] };
  if (found.path) {
    // Inside an argument's literal: bad input of that argument.
    const { path } = found;
    const issues = [{ path, message: `is nested too deep: brackets nest more than ${max} deep` }];
    return new GraphQLError(`${path.join('.')}: ${issues[0]!.message}`, {
      ...where,
      extensions: { code: 'BAD_USER_INPUT', issues, http: { status: 400, spec: true } },
    });
  }
  return new GraphQLError(`Nesting limit of ${max} exceeded: brackets nest more than ${max} deep`, {
    ...where,
    extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'nesting', max, http: { status: 400, spec: true } },
  });
}

const isAsyncIterable = (value: object): value is AsyncIterable<unknown> => Symbol.asyncIterator in value;

/**
 * graphql-js refuses variables that do not coerce (a wrong type, a missing or null required
 * one) with request errors that carry no code: they get BAD_USER_INPUT, as every other bad
 * input does. Only a result without data (a request error) and only graphql-js's own errors
 * (no thrown Error behind them) are touched; their message, which names the variable and the
 * path inside it, and their other extensions are kept.
 */
function withInputCode(result: ExecutionResult): ExecutionResult {
  if ('data' in result || !result.errors?.some(isOwnRefusal)) return result;
  return {
    ...result,
    errors: result.errors.map((error) =>
      isOwnRefusal(error)
        ? new GraphQLError(error.message, {
            nodes: error.nodes,
            source: error.source,
            positions: error.positions,
            path: error.path,
            originalError: error.originalError,
            // Kept as they are (the status included): only the code is added.
            extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
          })
        : error,
    ),
  };
}

/** A graphql-js error without a code whose cause, if any, is graphql-js's too (not a thrown Error). */
function isOwnRefusal(error: GraphQLError): boolean {
  if (error.extensions?.code !== undefined) return false;
  let cause: unknown = error.originalError;
  while (cause instanceof GraphQLError) cause = cause.originalError;
  return cause === undefined;
}

/**
 * Bad input never reaches a resolver or the database: text PostgreSQL cannot store (NUL, other
 * control characters, lone surrogates), JSON values nested past limits.jsonDepth, and values or
 * documents nested deep enough to run a recursive reader out of stack are refused with
 * BAD_USER_INPUT naming the field (`extensions.issues`, as a ValidationError's), before
 * anything executes. One place for every operation and caller, widget or API key, compiled
 * or not:
 * - the document's text, before it is parsed: nesting (nestingPastLimit);
 * - its literals, while it is validated (StorableLiteralsRule);
 * - the variables, before execution coerces them (variableIssues), and graphql-js's own
 *   refusals of variables that do not coerce get the code too (withInputCode).
 * The input schemas (zod) hold JSON values to the same rules for callers below GraphQL.
 */
export function useInputChecks(): Plugin {
  // Documents that passed the nesting scan (as yoga keeps parsed documents): clients send the same few.
  const passed = new Set<string>();
  return {
    onParams({ params }) {
      const { query } = params;
      // Fewer brackets than the limit cannot nest past it; a document seen before passed already.
      if (typeof query !== 'string' || query.length <= QUERY_LIMITS.maxNesting || passed.has(query)) return;
      const found = nestingPastLimit(query, QUERY_LIMITS.maxNesting);
      if (found) throw tooDeepDocument(query, found);
      if (query.length > PASSED_MAX_LENGTH) return;
      if (passed.size >= PASSED_KEPT) passed.clear();
      passed.add(query);
    },
    onValidate({ addValidationRule }) {
      addValidationRule(StorableLiteralsRule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const issues = variableIssues(args.schema, args.document, args.operationName, args.variableValues);
      if (issues.length) {
        setResultAndStopExecution({ errors: [badUserInput(issues, undefined, '$')] });
        return undefined;
      }
      return {
        onExecuteDone: ({ result, setResult }) => {
          if (isAsyncIterable(result)) return;
          const coded = withInputCode(result);
          if (coded !== result) setResult(coded);
        },
      };
    },
  };
}
