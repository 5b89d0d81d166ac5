import { getOperationAST, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { isWidgetCaller } from '../auth/caller.ts';
import type { Context } from '../context.ts';
import { isPromiseLike, type MaybePromise } from '../shared/maybe-promise.ts';
import { persistedOperations } from './persisted-operations.ts';

/** The parsed widget documents: a persisted operation hands yoga this very object. */
const widgetDocuments: ReadonlySet<DocumentNode> = new Set([...persistedOperations.values()].map((operation) => operation.ast));

/**
 * Runs the widget operations (the fixed documents of widgets/persisted-operations.json) from
 * site-key callers through graphql-jit, compiled once per document: the public submissions are
 * the hot path, and a compiled query costs far less per request than graphql-js's
 * interpretation (variable coercion, field collection, completion).
 *
 * Nothing else changes: every other document and caller runs on yoga's executor (graphql-jit
 * does not keep the drizzle plugin's nested reads to one statement, and these documents have
 * none). The resolvers are the same (Pothos' auth and error wrappers included). Variables that
 * do not coerce are answered by yoga's executor as well: a compiled query refuses them without
 * running anything (its result has no `data`), and running the operation again the ordinary
 * way gives graphql-js's own error texts, which clients and tests know.
 *
 * Kept hand-written over `@envelop/graphql-jit` (tried 11.2.1, the latest, with `enableIf` on
 * widget documents from site keys): it compiles once per document too (a WeakMap by document),
 * but it answers variables that do not coerce with graphql-jit's texts and has no hook to fall
 * back: 4 of the 4 cases in widget-compiled-operations.test.ts failed (e.g. `Variable "$solved"
 * got invalid value "yes"; Expected type Boolean…` where graphql-js says `Variable "$input" got
 * invalid value "yes" at "input.solved"…`). It also pins graphql-jit 0.8.7 exactly (every
 * version from 10.0.0 to 11.2.1), a second copy beside our 0.8.9, and caches a document's
 * compilation under the first request's operationName, so a first request naming an operation
 * the document lacks would cache that error for the document.
 */
export function useCompiledWidgetOperations(): Plugin {
  type ExecuteFn = (args: ExecutionArgs) => MaybePromise<ExecutionResult>;
  interface Compiled {
    schema: GraphQLSchema;
    /** yoga's executor, which the compiled query hands invalid variables back to. */
    executeFn: ExecuteFn;
    execute: ExecuteFn;
  }
  // Keyed by the operation, not the request's operationName: each widget document holds one
  // operation, so spelling its name or leaving it out cannot make a caller recompile it.
  const compiled = new WeakMap<OperationDefinitionNode, Compiled>();

  // Made once per operation (and yoga executor), not per request.
  const compile = (args: ExecutionArgs, operation: OperationDefinitionNode, executeFn: ExecuteFn): Compiled | undefined => {
    const query = compileQuery(args.schema, args.document, operation.name?.value);
    if (!isCompiledQuery(query)) return undefined;
    const settle = (result: ExecutionResult, executionArgs: ExecutionArgs) =>
      'data' in result ? result : executeFn(executionArgs);
    const execute: ExecuteFn = (executionArgs) => {
      const result = query.query(executionArgs.rootValue, executionArgs.contextValue, executionArgs.variableValues);
      return isPromiseLike(result) ? result.then((value) => settle(value, executionArgs)) : settle(result, executionArgs);
    };
    const entry = { schema: args.schema, executeFn, execute };
    compiled.set(operation, entry);
    return entry;
  };

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (!widgetDocuments.has(args.document)) return;
      if (!isWidgetCaller((args.contextValue as Partial<Context>).caller)) return;
      // An operationName the document does not hold is left to yoga's executor, which says so.
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return;
      let entry = compiled.get(operation);
      if (!entry || entry.schema !== args.schema || entry.executeFn !== executeFn) {
        entry = compile(args, operation, executeFn as ExecuteFn);
      }
      if (entry) setExecuteFn(entry.execute as typeof executeFn);
    },
  };
}
