import { builder } from '../builder.ts';
import { orgIdOf } from '../context.ts';
import { apiKeyScopes, isApiKeyScope } from '../auth/scopes.ts';
import { mutationErrors } from '../shared/common.schema.ts';
import { enumOf } from '../shared/enums.ts';
import { uuidArg } from '../shared/ids.ts';
import {
  createApiKey,
  listApiKeys,
  requireOrganization,
  revokeApiKey,
  type ApiKeyRow,
  type OrganizationRow,
} from './organizations.service.ts';

const ApiKeyScope = enumOf('ApiKeyScope', apiKeyScopes);

const Organization = builder.objectRef<OrganizationRow>('Organization').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    slug: t.exposeString('slug'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ApiKey = builder.objectRef<ApiKeyRow>('ApiKey').implement({
  description: 'An API key. The secret itself is only ever shown by createApiKey.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to tell keys apart.' }),
    scopes: t.field({ type: [ApiKeyScope], resolve: (k) => k.scopes.filter(isApiKeyScope) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreatedApiKey = builder.objectRef<{ key: string; row: ApiKeyRow }>('CreatedApiKey').implement({
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The secret key. Shown once: only its hash is stored.' }),
    apiKey: t.field({ type: ApiKey, resolve: (created) => created.row }),
  }),
});

builder.queryFields((t) => ({
  organization: t.field({
    type: Organization,
    description: "The API key's organization.",
    authScopes: { read: true },
    resolve: (_root, _args, ctx) => requireOrganization(ctx.db, orgIdOf(ctx)),
  }),
  apiKeys: t.field({
    type: [ApiKey],
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => listApiKeys(ctx.db, orgIdOf(ctx)),
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKey,
    authScopes: { admin: true },
    errors: { types: mutationErrors },
    args: {
      name: t.arg.string({ required: true }),
      scopes: t.arg({ type: [ApiKeyScope], required: true }),
    },
    resolve: (_root, args, ctx) => createApiKey(ctx.db, orgIdOf(ctx), { name: args.name, scopes: args.scopes }),
  }),
  revokeApiKey: t.field({
    type: ApiKey,
    authScopes: { admin: true },
    errors: { types: mutationErrors },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => revokeApiKey(ctx.db, orgIdOf(ctx), uuidArg(String(args.id), 'id', 'ApiKey')),
  }),
}));
