import SchemaBuilder from '@pothos/core';
import DrizzlePlugin from '@pothos/plugin-drizzle';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { forbidden, unauthenticated } from './auth/caller.ts';
import type { ApiKeyScope } from './auth/scopes.ts';
import type { Context } from './context.ts';
import { relations, type Relations } from './db/relations.ts';
import { ValidationError } from './shared/errors.ts';
import GlobalIdPathsPlugin from './shared/global-id-plugin.ts';
import { UUID } from './shared/ids.ts';
import { limits } from './shared/limits.ts';

export interface BuilderTypes {
  Context: Context;
  DrizzleRelations: Relations;
  /** API-key scopes, plus `site` for the widget operations a site's publishable key may run. */
  AuthScopes: Record<ApiKeyScope | 'site', boolean>;
  Scalars: {
    DateTime: { Input: string; Output: string };
    Date: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}

export const builder = new SchemaBuilder<BuilderTypes>({
  // GlobalIdPaths sits inside Errors and outside Relay: a bad global id becomes a ValidationError with its path.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, GlobalIdPathsPlugin, RelayPlugin, DrizzlePlugin],
  defaultFieldNullability: false,
  drizzle: {
    client: (ctx) => ctx.db,
    getTableConfig,
    relations,
    defaultConnectionSize: 20,
    maxConnectionSize: limits.pageSize,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeTypeOptions: { description: 'An object with a global id, which node and nodes read back.' },
    idFieldOptions: { description: 'A global id: opaque, stable, and naming the type it belongs to.' },
    pageInfoTypeOptions: { description: 'Where a page of a connection lies in the whole list.' },
    hasNextPageFieldOptions: { description: 'Whether items follow this page (paging forward with first/after).' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page (paging backward with last/before).' },
    startCursorFieldOptions: { description: "The first edge's cursor; null on an empty page." },
    endCursorFieldOptions: { description: "The last edge's cursor; null on an empty page." },
    defaultConnectionTypeOptions: { description: 'One page of a list, with its edges and where the page lies.' },
    defaultEdgeTypeOptions: { description: 'One item of a connection and its cursor.' },
    edgesFieldOptions: { description: 'The items of this page, in order.' },
    pageInfoFieldOptions: { description: 'Where this page lies in the whole list.' },
    nodeFieldOptions: { description: 'The item.' },
    cursorFieldOptions: { description: 'Pass as after (or before) to read the items after (or before) this one.' },
    firstArgOptions: { description: `Read the first n items (at most ${limits.pageSize}).` },
    lastArgOptions: { description: `Read the last n items (at most ${limits.pageSize}).` },
    afterArgOptions: { description: 'Read the items after this cursor.' },
    beforeArgOptions: { description: 'Read the items before this cursor.' },
    nodeQueryOptions: {
      description: "Any object by its global id; null when unknown or of another organization.",
      args: { id: { description: 'A global id, as read from an id field.' } },
      authScopes: { read: true },
      // Global IDs are not permissions: a node of another organization reads as null.
      resolve: async (_root, { id }, ctx, _info, resolveNode) => {
        requireUuid(id.id, 'id');
        // An id with no row reads as null (patches/@pothos+plugin-drizzle+0.20.0.patch).
        return sameOrg(ctx, await resolveNode(id));
      },
    },
    nodesQueryOptions: {
      description: 'Objects by their global ids, in the order asked; null for each unknown or of another organization.',
      args: { ids: { description: 'Global ids, as read from id fields.' } },
      authScopes: { read: true },
      resolve: async (_root, { ids }, ctx, _info, resolveNodes) => {
        for (const id of ids) requireUuid(id.id, 'ids');
        return (await resolveNodes(ids)).map((node) => sameOrg(ctx, node));
      },
    },
  },
  errors: {
    // Lets the ValidationError thrown while reading global-id arguments become the result union's member.
    unsafelyHandleInputErrors: true,
    defaultTypes: [],
    defaultUnionOptions: { description: 'Either the Success result of the field of the same name or one of its expected errors.' },
    defaultResultOptions: { description: 'The field succeeded: data holds its result.' },
  },
  scopeAuth: {
    authScopes: (ctx) => {
      const scopes = ctx.caller.kind === 'apiKey' ? ctx.caller.scopes : new Set<ApiKeyScope>();
      return {
        read: scopes.has('read'),
        write: scopes.has('write'),
        admin: scopes.has('admin'),
        site: ctx.caller.kind === 'site',
      };
    },
    unauthorizedError: (_parent, ctx, info) => {
      const field = `${info.parentType.name}.${info.fieldName}`;
      if (ctx.caller.kind === 'apiKey') return forbidden(`This API key lacks the scope required for ${field}`);
      if (ctx.caller.kind === 'site') return forbidden(`A site key may only run the widget operations, not ${field}`);
      return unauthenticated('An API key is required: send "Authorization: Bearer sk_…"');
    },
  },
});

/** Every node id is a UUID; anything else is refused before it reaches SQL. */
function requireUuid(id: string, path: string): void {
  if (!UUID.test(id)) throw ValidationError.single([path], 'is not a valid id');
}

function sameOrg(ctx: Context, node: unknown): unknown {
  if (!node || ctx.caller.kind !== 'apiKey') return null;
  return (node as { orgId?: string }).orgId === ctx.caller.orgId ? node : null;
}
