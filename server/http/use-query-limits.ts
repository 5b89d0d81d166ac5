import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { getNamedType, GraphQLError, isIntrospectionType, type ExecutionResult, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isWidgetRequest } from '../auth/caller.ts';

/**
 * Limits every document must meet, whoever sends it: tight enough that a depth bomb, an alias
 * bomb or a token flood is refused while parsing or validating, before anything executes, and
 * generous for real queries. Measured over the whole test suite (Nov 2026): depth at most 8,
 * aliases 10, tokens about 500 (an introspection query), cost about 16,600. The cost is GraphQL
 * Armor's estimate: objects 2, scalars 1, ×1.5 per level, × a literal `first`/`last`.
 */
export const QUERY_LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 10,
  maxTokens: 2_000,
  maxCost: 50_000,
  /**
   * How deep `{`, `[` and `(` may nest in a document's text, and any variable's value: checked
   * before parsing (use-input-checks.ts). A valid document nests at most about 30 (selections
   * 12 deep, an input object, a JSON literal 16 deep); graphql-js's recursive parser runs out
   * of stack near 1,500.
   */
  maxNesting: 64,
} as const;

export type QueryLimits = { [K in keyof typeof QUERY_LIMITS]: number };

/**
 * Armor's own error says "Syntax Error: …"; ours names the limit and carries a stable code.
 * `spec` as for every parse and validation error: HTTP 400 under
 * application/graphql-response+json, 200 under plain application/json (GraphQL over HTTP).
 */
const refuse = (limit: string, max: number) => (_context: unknown, error: GraphQLError) => {
  throw new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
    extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit, max, http: { status: 400, spec: true } },
  });
};

// Throwing from onReject stops validation at the operation, before the (quadratic) standard
// rules see an alias bomb's selections.
const reject = (limit: string, max: number) => ({ onReject: [refuse(limit, max)], propagateOnRejection: false });

/** graphql-js's NoSchemaIntrospectionCustomRule, with a clear message and a code. */
const NoIntrospectionForSiteKeys: ValidationRule = (context) => ({
  Field(node) {
    const type = getNamedType(context.getType());
    if (type && isIntrospectionType(type)) {
      context.reportError(
        new GraphQLError(`Introspection is not available to widget requests (site keys); "${node.name.value}" was asked for`, {
          nodes: node,
          extensions: { code: 'INTROSPECTION_DISABLED' },
        }),
      );
    }
  },
});

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** Copies of the errors without "Did you mean …?": suggestions map the schema out for a prober. */
function withoutSuggestions(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((error) => error.message.includes('Did you mean'))) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      const message = error.message.replace(SUGGESTION, '');
      if (message === error.message) return error;
      return new GraphQLError(message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: error.originalError,
        extensions: error.extensions,
      });
    }),
  };
}

/**
 * GraphQL Armor for every caller; for widget requests (site keys) also no introspection and no
 * field suggestions. A request with a site key that is not good never gets this far: use-caller.ts
 * refuses it before the document is parsed.
 */
export function useQueryLimits(limits: QueryLimits = QUERY_LIMITS): Plugin {
  const off = { enabled: false };
  // Two passes so that depth is checked before cost: a depth bomb's cost grows 1.5× per level,
  // and "depth limit exceeded" is the clearer answer to it.
  const armor = EnvelopArmorPlugin({
    // Suggestions stay for API-key callers (developers); they are removed below for site keys.
    blockFieldSuggestion: off,
    maxTokens: { n: limits.maxTokens, ...reject('tokens', limits.maxTokens) },
    maxDirectives: { n: limits.maxDirectives, ...reject('directives', limits.maxDirectives) },
    maxAliases: { n: limits.maxAliases, ...reject('aliases', limits.maxAliases) },
    maxDepth: { n: limits.maxDepth, ...reject('depth', limits.maxDepth) },
    costLimit: off,
  });
  const armorCost = EnvelopArmorPlugin({
    blockFieldSuggestion: off,
    maxTokens: off,
    maxDirectives: off,
    maxAliases: off,
    maxDepth: off,
    costLimit: { maxCost: limits.maxCost, ...reject('cost', limits.maxCost) },
  });
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor as Plugin);
      addPlugin(armorCost as Plugin);
    },
    onValidate({ context, addValidationRule }) {
      if (isWidgetRequest((context as { request: Request }).request)) addValidationRule(NoIntrospectionForSiteKeys);
    },
    onExecutionResult({ request, result, setResult }) {
      if (!result || Symbol.asyncIterator in result || !isWidgetRequest(request)) return;
      setResult((Array.isArray(result) ? result.map(withoutSuggestions) : withoutSuggestions(result)) as typeof result);
    },
  };
}
