import { LAST_USED_WRITE_INTERVAL_MS } from '../auth/caller.ts';
import { builder } from '../builder.ts';
import { tenantOf } from '../context.ts';
import { apiKeyScopes, isApiKeyScope } from '../auth/scopes.ts';
import { mutationErrorOptions } from '../shared/common.schema.ts';
import { enumOf } from '../shared/enums.ts';
import { inputFromZod } from '../shared/zod-input.ts';
import {
  apiKeyInput,
  createApiKey,
  listApiKeys,
  requireOrganization,
  revokeApiKey,
  type ApiKeyRow,
  type OrganizationRow,
} from './organizations.service.ts';

const ApiKeyScope = enumOf('ApiKeyScope', apiKeyScopes, {
  description: 'What an API key may do. Scopes do not imply each other: give each one needed.',
  values: {
    read: 'Read the organization’s data.',
    write: 'Create and change customers, surveys and feedback.',
    admin: 'Manage sites and API keys.',
  },
});

const Organization = builder.objectRef<OrganizationRow>('Organization').implement({
  description: 'A company using careloop: the tenant that owns all other data.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The organization id.' }),
    slug: t.exposeString('slug', { description: 'A unique short name: lower-case letters, digits and dashes.' }),
    name: t.exposeString('name', { description: 'A name for people.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the organization was created.' }),
  }),
});

const ApiKey = builder.drizzleNode('apiKeys', {
  name: 'ApiKey',
  description: 'An API key. The secret itself is only ever shown by createApiKey.',
  id: { column: (k) => k.id },
  // Read through node(id) too: a global id must not show keys to a key without admin.
  authScopes: { admin: true },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'A name for people, e.g. what the key is for.' }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to tell keys apart.' }),
    scopes: t.field({
      type: [ApiKeyScope],
      description: 'What the key may do.',
      select: { columns: { scopes: true } },
      resolve: (k) => k.scopes.filter(isApiKeyScope),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the key was created.' }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: `When a request last used the key (written at most every ${LAST_USED_WRITE_INTERVAL_MS / 1000} s, so it may lag that much); null if never.`,
    }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the key was revoked; null while it works.',
    }),
  }),
});

const CreatedApiKey = builder.objectRef<{ key: string; row: ApiKeyRow }>('CreatedApiKey').implement({
  description: 'A new API key with its secret, returned only by createApiKey.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The secret key. Shown once: only its hash is stored.' }),
    apiKey: t.field({ type: ApiKey, description: 'The key as apiKeys lists it.', resolve: (created) => created.row }),
  }),
});

const CreateApiKeyInput = inputFromZod('CreateApiKeyInput', apiKeyInput, { description: 'A new API key.' });

builder.queryFields((t) => ({
  organization: t.field({
    type: Organization,
    description: "The API key's organization.",
    authScopes: { read: true },
    resolve: (_root, _args, ctx) => requireOrganization(tenantOf(ctx)),
  }),
  apiKeys: t.field({
    type: [ApiKey],
    description: "The organization's API keys, revoked ones included, newest first. Needs the admin scope.",
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => listApiKeys(tenantOf(ctx)),
  }),
}));

const RevokeApiKeyInput = builder.inputType('RevokeApiKeyInput', {
  description: 'The key to revoke.',
  fields: (t) => ({ id: t.globalID({ for: ApiKey, required: true, description: 'An ApiKey id.' }) }),
});

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKey,
    description: 'Creates an API key. Its secret is returned once; only a hash is stored.',
    authScopes: { admin: true },
    errors: mutationErrorOptions,
    args: { input: t.arg({ type: CreateApiKeyInput, required: true, description: 'The key.' }) },
    resolve: (_root, args, ctx) => createApiKey(tenantOf(ctx), args.input, ['input']),
  }),
  revokeApiKey: t.field({
    type: ApiKey,
    description: 'Revokes an API key at once. Revoking it again keeps the first revocation time.',
    authScopes: { admin: true },
    errors: mutationErrorOptions,
    args: { input: t.arg({ type: RevokeApiKeyInput, required: true, description: 'The key.' }) },
    resolve: (_root, args, ctx) => revokeApiKey(tenantOf(ctx), args.input.id.id),
  }),
}));
