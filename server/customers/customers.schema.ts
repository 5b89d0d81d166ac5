import { builder } from '../builder.ts';
import { orgIdOf } from '../context.ts';
import {
  customerTiers,
  identityChannels,
  lifecycleStages,
  specialNeeds,
  tierSources,
} from '../db/tables/index.ts';
import { mutationErrors } from '../shared/common.schema.ts';
import { enumOf } from '../shared/enums.ts';
import { decodeId, uuidArg } from '../shared/ids.ts';
import { maxPageSize } from '../shared/limits.ts';
import {
  eraseCustomer,
  exportCustomer,
  mergeCustomers,
} from './customers.lifecycle.ts';
import {
  addCustomerIdentity,
  findCustomerIdByIdentity,
  removeCustomerIdentity,
} from './customers.identities.ts';
import {
  countCustomers,
  createCustomer,
  customerFilterSql,
  recordPurchase,
  updateCustomer,
} from './customers.service.ts';
import { recomputeTiers } from './customers.tiers.ts';

const Tier = enumOf('Tier', customerTiers, 'Customer value tier: A is the most valuable.');
const TierSource = enumOf('TierSource', tierSources);
const LifecycleStage = enumOf('LifecycleStage', lifecycleStages);
const SpecialNeed = enumOf('SpecialNeed', specialNeeds, 'Needs that care is adapted to.');
const IdentityChannel = enumOf('IdentityChannel', identityChannels);

export const Customer = builder.drizzleNode('customers', {
  name: 'Customer',
  description: 'A person in the customer archive.',
  id: { column: (c) => c.id },
  fields: (t) => ({
    externalId: t.exposeString('externalId', { nullable: true, description: "The company's own id for this customer." }),
    name: t.exposeString('name', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
    birthday: t.expose('birthday', { type: 'Date', nullable: true }),
    locale: t.exposeString('locale', { nullable: true }),
    gender: t.exposeString('gender', { nullable: true }),
    tier: t.expose('tier', { type: Tier, nullable: true }),
    tierSource: t.expose('tierSource', { type: TierSource, nullable: true }),
    lifecycleStage: t.expose('lifecycleStage', { type: LifecycleStage }),
    specialNeeds: t.field({
      type: [SpecialNeed],
      select: { columns: { specialNeeds: true } },
      resolve: (c) => c.specialNeeds as (typeof specialNeeds)[number][],
    }),
    tags: t.exposeStringList('tags'),
    attributes: t.expose('attributes', { type: 'JSON', description: 'Free-form profile: hobbies, family…' }),
    erased: t.boolean({
      description: 'True once personal data was erased; the row remains as an anonymous stub.',
      select: { columns: { erasedAt: true } },
      resolve: (c) => c.erasedAt !== null,
    }),
    identities: t.relation('identities', { query: { orderBy: { createdAt: 'asc', id: 'asc' } } }),
    products: t.relation('purchases', {
      description: 'Products bought, newest first.',
      query: { orderBy: { purchasedAt: 'desc', id: 'desc' } },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.drizzleObject('customerIdentities', {
  name: 'CustomerIdentity',
  description: 'A channel handle linked to one customer.',
  fields: (t) => ({
    id: t.exposeID('id'),
    channel: t.expose('channel', { type: IdentityChannel }),
    value: t.exposeString('value'),
    verified: t.exposeBoolean('verified'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    customer: t.relation('customer'),
  }),
});

const Purchase = builder.drizzleObject('purchases', {
  name: 'Purchase',
  description: 'A product bought: when, why, what was promised, its value.',
  fields: (t) => ({
    id: t.exposeID('id'),
    product: t.exposeString('product'),
    purchasedAt: t.expose('purchasedAt', { type: 'DateTime' }),
    reason: t.exposeString('reason', { nullable: true }),
    promises: t.exposeStringList('promises'),
    value: t.exposeFloat('value'),
    customer: t.relation('customer'),
  }),
});

const CustomerFilter = builder.inputType('CustomerFilter', {
  fields: (t) => ({
    tier: t.field({ type: Tier }),
    lifecycleStage: t.field({ type: LifecycleStage }),
    tag: t.string(),
    search: t.string({ description: 'Matches name, email or phone (case-insensitive, substring).' }),
  }),
});

const IdentityInput = builder.inputType('IdentityInput', {
  fields: (t) => ({
    channel: t.field({ type: IdentityChannel, required: true }),
    value: t.string({ required: true }),
    verified: t.boolean(),
  }),
});

const profileInputFields = (t: PothosSchemaTypes.InputFieldBuilder<typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never, 'InputObject'>) => ({
  externalId: t.string(),
  name: t.string(),
  email: t.string(),
  phone: t.string(),
  birthday: t.field({ type: 'Date' }),
  locale: t.string(),
  gender: t.string(),
  tier: t.field({ type: Tier, description: 'Setting a tier makes it manual; null hands it back to recomputeTiers.' }),
  lifecycleStage: t.field({ type: LifecycleStage }),
  specialNeeds: t.field({ type: [SpecialNeed] }),
  tags: t.stringList(),
  attributes: t.field({ type: 'JSON' }),
});

const CreateCustomerInput = builder.inputType('CreateCustomerInput', {
  fields: (t) => ({
    ...profileInputFields(t),
    identities: t.field({ type: [IdentityInput], description: 'Further channel handles besides email and phone.' }),
  }),
});

const UpdateCustomerInput = builder.inputType('UpdateCustomerInput', {
  description: 'Absent fields are kept; null clears a field.',
  fields: (t) => profileInputFields(t),
});

const PurchaseInput = builder.inputType('PurchaseInput', {
  fields: (t) => ({
    product: t.string({ required: true }),
    purchasedAt: t.field({ type: 'DateTime', required: true }),
    reason: t.string(),
    promises: t.stringList({ description: 'What was promised at the sale, for later follow-up.' }),
    value: t.float(),
  }),
});

const TierCounts = builder.objectRef<{ a: number; b: number; c: number }>('TierCounts').implement({
  description: 'How many customers recomputeTiers put in each tier.',
  fields: (t) => ({ a: t.exposeInt('a'), b: t.exposeInt('b'), c: t.exposeInt('c') }),
});

const customerId = (id: string, path = 'id') => decodeId(id, 'Customer', path);

builder.queryFields((t) => ({
  customer: t.drizzleField({
    type: 'customers',
    nullable: true,
    authScopes: { read: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.query.customers.findFirst(
        query({ where: { id: customerId(String(args.id)), orgId: orgIdOf(ctx) } }),
      ),
  }),
  customers: t.drizzleConnection({
    type: 'customers',
    authScopes: { read: true },
    maxSize: maxPageSize,
    args: { filter: t.arg({ type: CustomerFilter }) },
    totalCount: (_root, args, ctx) => countCustomers(ctx.db, orgIdOf(ctx), args.filter ?? {}),
    resolve: (query, _root, args, ctx) =>
      ctx.db.query.customers.findMany(
        query({
          where: { RAW: (table) => customerFilterSql(table, orgIdOf(ctx), args.filter ?? {}) },
          orderBy: { createdAt: 'desc', id: 'desc' },
        }),
      ),
  }, { name: 'CustomerConnection' }, { name: 'CustomerEdge' }),
  customerByIdentity: t.drizzleField({
    type: 'customers',
    nullable: true,
    authScopes: { read: true },
    args: {
      channel: t.arg({ type: IdentityChannel, required: true }),
      value: t.arg.string({ required: true }),
    },
    resolve: async (query, _root, args, ctx) => {
      const id = await findCustomerIdByIdentity(ctx.db, orgIdOf(ctx), args.channel, args.value);
      if (!id) return undefined;
      return ctx.db.query.customers.findFirst(query({ where: { id, orgId: orgIdOf(ctx) } }));
    },
  }),
}));

const mutation = { authScopes: { write: true }, errors: { types: mutationErrors } } as const;

builder.mutationFields((t) => ({
  createCustomer: t.field({
    ...mutation,
    type: Customer,
    args: { input: t.arg({ type: CreateCustomerInput, required: true }) },
    resolve: (_root, args, ctx) => createCustomer(ctx.db, orgIdOf(ctx), args.input),
  }),
  updateCustomer: t.field({
    ...mutation,
    type: Customer,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateCustomerInput, required: true }) },
    resolve: (_root, args, ctx) => updateCustomer(ctx.db, orgIdOf(ctx), customerId(String(args.id)), args.input),
  }),
  addCustomerIdentity: t.field({
    ...mutation,
    type: Customer,
    args: { customerId: t.arg.id({ required: true }), input: t.arg({ type: IdentityInput, required: true }) },
    resolve: (_root, args, ctx) =>
      addCustomerIdentity(ctx.db, orgIdOf(ctx), customerId(String(args.customerId), 'customerId'), args.input),
  }),
  removeCustomerIdentity: t.field({
    ...mutation,
    type: Customer,
    description: 'Removes a channel handle; returns the customer it belonged to.',
    args: { identityId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      removeCustomerIdentity(ctx.db, orgIdOf(ctx), uuidArg(String(args.identityId), 'identityId', 'CustomerIdentity')),
  }),
  recordPurchase: t.field({
    ...mutation,
    type: Purchase,
    args: { customerId: t.arg.id({ required: true }), input: t.arg({ type: PurchaseInput, required: true }) },
    resolve: (_root, args, ctx) =>
      recordPurchase(ctx.db, orgIdOf(ctx), customerId(String(args.customerId), 'customerId'), args.input),
  }),
  mergeCustomers: t.field({
    ...mutation,
    type: Customer,
    description: 'Moves everything linked to the source onto the target and deletes the source.',
    args: { sourceId: t.arg.id({ required: true }), targetId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      mergeCustomers(
        ctx.db,
        orgIdOf(ctx),
        customerId(String(args.sourceId), 'sourceId'),
        customerId(String(args.targetId), 'targetId'),
      ),
  }),
  eraseCustomer: t.field({
    ...mutation,
    type: Customer,
    description: 'Right to erasure: removes personal data, keeps an anonymous stub for statistics.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => eraseCustomer(ctx.db, orgIdOf(ctx), customerId(String(args.id))),
  }),
  exportCustomer: t.field({
    ...mutation,
    authScopes: { read: true },
    type: 'JSON',
    description: 'All data held on one customer, as one JSON document.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => exportCustomer(ctx.db, orgIdOf(ctx), customerId(String(args.id))),
  }),
  recomputeTiers: t.field({
    ...mutation,
    type: TierCounts,
    description: 'Recomputes A/B/C tiers from purchase value; manual tiers are left alone.',
    resolve: (_root, _args, ctx) => recomputeTiers(ctx.db, orgIdOf(ctx)),
  }),
}));
