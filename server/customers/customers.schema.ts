import { builder } from '../builder.ts';
import { orgIdOf, tenantOf } from '../context.ts';
import {
  customerTiers,
  identityChannels,
  lifecycleStages,
  specialNeeds,
  tierSources,
} from '../db/tables/index.ts';
import { mutationErrorOptions } from '../shared/common.schema.ts';
import { enumOf } from '../shared/enums.ts';
import { maxPageSize } from '../shared/limits.ts';
import { createCustomerInput, identityFields, purchaseInput, updateCustomerInput } from './customers.input.ts';
import { inputFromZod } from '../shared/zod-input.ts';
import { z } from 'zod';
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

const Tier = enumOf('Tier', customerTiers, {
  description: 'Customer value tier: A is the most valuable.',
  values: { A: 'The most valuable customers.', B: 'Customers of middle value.', C: 'Customers of the least value.' },
});
const TierSource = enumOf('TierSource', tierSources, {
  description: 'Who decided a customer’s tier.',
  values: { manual: 'Set by hand; recomputeTiers leaves it alone.', computed: 'Computed by recomputeTiers from purchase value.' },
});
const LifecycleStage = enumOf('LifecycleStage', lifecycleStages, {
  description: 'Where a customer stands in their relationship with the company.',
  values: {
    prospect: 'Not a customer yet: interested, has not bought.',
    undecided: 'Comparing: has not chosen between the company and others.',
    active: 'Buys and uses the products.',
    dissatisfied: 'A customer who is unhappy: at risk of leaving.',
    lapsed: 'Has stopped buying.',
    competitor_customer: "A competitor's customer.",
  },
});
const SpecialNeed = enumOf('SpecialNeed', specialNeeds, {
  description: 'Needs that care is adapted to.',
  values: {
    elderly: 'An elderly person.',
    pregnant: 'A pregnant person.',
    disabled: 'A person with a disability.',
    child: 'A child.',
    other: 'Another need; the attributes say which.',
  },
});
const IdentityChannel = enumOf('IdentityChannel', identityChannels, {
  description: 'A channel by which a person reaches the company.',
  values: {
    email: 'An email address (stored lower-case).',
    phone: 'A phone number for calls: digits with an optional leading +; spaces, dots, dashes and brackets are dropped.',
    sms: 'A phone number for text messages, normalized as phone.',
    wechat: 'A WeChat id.',
    qq: 'A QQ number.',
    web: 'A login or visitor id on the website.',
    external: "An id in another of the company's systems.",
  },
});

export const Customer = builder.drizzleNode('customers', {
  name: 'Customer',
  description: 'A person in the customer archive.',
  id: { column: (c) => c.id },
  // Only the columns its fields read (each exposed column and each field's own `select`), and
  // orgId, which node(id) checks (the inbox joins the customer of every complaint).
  select: { columns: { orgId: true } },
  fields: (t) => ({
    externalId: t.exposeString('externalId', { nullable: true, description: "The company's own id for this customer." }),
    name: t.exposeString('name', { nullable: true, description: 'The name, as the customer gives it.' }),
    email: t.exposeString('email', { nullable: true, description: 'The main email address (lower-case); also an EMAIL identity.' }),
    phone: t.exposeString('phone', { nullable: true, description: 'The main phone number (normalized); also a PHONE identity.' }),
    birthday: t.expose('birthday', { type: 'Date', nullable: true, description: 'For birthday greetings.' }),
    locale: t.exposeString('locale', { nullable: true, description: 'The preferred language, e.g. zh-CN.' }),
    gender: t.exposeString('gender', { nullable: true, description: 'As the customer describes it; free text.' }),
    timeZone: t.exposeString('timeZone', {
      nullable: true,
      description: "The customer's own IANA time zone (e.g. Asia/Shanghai); null means the organization's. Care dates fall on the local day of this zone.",
    }),
    tier: t.expose('tier', { type: Tier, nullable: true, description: 'The value tier; null until set or computed.' }),
    tierSource: t.expose('tierSource', { type: TierSource, nullable: true, description: 'Who decided the tier.' }),
    lifecycleStage: t.expose('lifecycleStage', { type: LifecycleStage, description: 'Where the relationship stands.' }),
    specialNeeds: t.field({
      type: [SpecialNeed],
      description: 'Needs that care is adapted to; empty for none.',
      select: { columns: { specialNeeds: true } },
      resolve: (c) => c.specialNeeds as (typeof specialNeeds)[number][],
    }),
    tags: t.exposeStringList('tags', { description: 'Labels for grouping, e.g. vip.' }),
    attributes: t.expose('attributes', { type: 'JSON', description: 'Free-form profile: hobbies, family…' }),
    erased: t.boolean({
      description: 'True once personal data was erased; the row remains as an anonymous stub.',
      select: { columns: { erasedAt: true } },
      resolve: (c) => c.erasedAt !== null,
    }),
    identities: t.relation('identities', {
      description: 'Every channel handle linked to the customer, oldest first.',
      query: { orderBy: { createdAt: 'asc', id: 'asc' } },
    }),
    products: t.relation('purchases', {
      description: 'Products bought, newest first.',
      query: { orderBy: { purchasedAt: 'desc', id: 'desc' } },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the customer was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the profile was last changed.' }),
  }),
});

const CustomerIdentity = builder.drizzleNode('customerIdentities', {
  name: 'CustomerIdentity',
  description: 'A channel handle linked to one customer.',
  id: { column: (i) => i.id },
  fields: (t) => ({
    channel: t.expose('channel', { type: IdentityChannel, description: 'The channel of the handle.' }),
    value: t.exposeString('value', { description: 'The handle, normalized: unique per channel in the organization.' }),
    verified: t.exposeBoolean('verified', { description: 'Whether the company confirmed the handle belongs to the customer.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the handle was linked.' }),
    customer: t.relation('customer', { description: 'The customer the handle belongs to.' }),
  }),
});

export const Purchase = builder.drizzleObject('purchases', {
  name: 'Purchase',
  description: 'A product bought: when, why, what was promised, its value.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The purchase id (a UUID).' }),
    product: t.exposeString('product', { description: 'What was bought.' }),
    purchasedAt: t.expose('purchasedAt', { type: 'DateTime', description: 'When it was bought.' }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why the customer bought it.' }),
    promises: t.exposeStringList('promises', { description: 'What was promised at the sale, for later follow-up.' }),
    value: t.exposeFloat('value', { description: 'What it was worth; recomputeTiers sums it. 0 when not given.' }),
    customer: t.relation('customer', { description: 'Who bought it.' }),
  }),
});

const CustomerFilter = builder.inputType('CustomerFilter', {
  description: 'Every given condition must hold.',
  fields: (t) => ({
    tier: t.field({ type: Tier, description: 'Customers in this tier.' }),
    lifecycleStage: t.field({ type: LifecycleStage, description: 'Customers at this stage.' }),
    tag: t.string({ description: 'Customers carrying this tag.' }),
    search: t.string({ description: 'Matches name, email or phone (case-insensitive, substring).' }),
  }),
});

const AddCustomerIdentityInput = inputFromZod('AddCustomerIdentityInput', z.object(identityFields), {
  description: 'A channel handle and the customer to link it to.',
  extra: (t) => ({ customerId: t.globalID({ for: Customer, required: true, description: 'A Customer id.' }) }),
});

const RemoveCustomerIdentityInput = builder.inputType('RemoveCustomerIdentityInput', {
  description: 'The channel handle to remove.',
  fields: (t) => ({
    identityId: t.globalID({ for: CustomerIdentity, required: true, description: 'A CustomerIdentity id (CustomerIdentity.id).' }),
  }),
});

const CreateCustomerInput = inputFromZod('CreateCustomerInput', createCustomerInput, {
  description: 'A new customer; every field is optional.',
});

const UpdateCustomerInput = inputFromZod('UpdateCustomerInput', updateCustomerInput, {
  description: 'Which customer, and what to change: absent fields are kept; null clears a field.',
  extra: (t) => ({ id: t.globalID({ for: Customer, required: true, description: 'The Customer to change.' }) }),
});

const RecordPurchaseInput = inputFromZod('RecordPurchaseInput', purchaseInput, {
  description: 'A product a customer bought.',
  extra: (t) => ({ customerId: t.globalID({ for: Customer, required: true, description: 'A Customer id: who bought it.' }) }),
});

const MergeCustomersInput = builder.inputType('MergeCustomersInput', {
  description: 'The two customers to merge.',
  fields: (t) => ({
    sourceId: t.globalID({ for: Customer, required: true, description: 'The Customer id that goes away.' }),
    targetId: t.globalID({ for: Customer, required: true, description: 'The Customer id that stays.' }),
  }),
});

const CustomerIdInput = (name: string, description: string) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({ id: t.globalID({ for: Customer, required: true, description: 'A Customer id.' }) }),
  });
const EraseCustomerInput = CustomerIdInput('EraseCustomerInput', 'The customer to erase.');
const ExportCustomerInput = CustomerIdInput('ExportCustomerInput', 'The customer to export.');

const TierCounts = builder.objectRef<{ a: number; b: number; c: number }>('TierCounts').implement({
  description: 'How many customers recomputeTiers put in each tier.',
  fields: (t) => ({
    a: t.exposeInt('a', { description: 'Customers now in tier A.' }),
    b: t.exposeInt('b', { description: 'Customers now in tier B.' }),
    c: t.exposeInt('c', { description: 'Customers now in tier C.' }),
  }),
});


builder.queryFields((t) => ({
  customer: t.drizzleField({
    type: 'customers',
    nullable: true,
    description: 'One customer by id; null when unknown or of another organization.',
    authScopes: { read: true },
    args: { id: t.arg.globalID({ for: Customer, required: true, description: 'A Customer id.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.query.customers.findFirst(
        query({ where: { id: args.id.id, orgId: orgIdOf(ctx) } }),
      ),
  }),
  customers: t.drizzleConnection({
    type: 'customers',
    description: 'Customers of the archive, newest first.',
    authScopes: { read: true },
    maxSize: maxPageSize,
    args: { filter: t.arg({ type: CustomerFilter, description: 'Only customers matching it; all without it.' }) },
    totalCount: (_root, args, ctx) => countCustomers(tenantOf(ctx), args.filter ?? {}),
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
    description: 'Who is this? The customer a channel handle belongs to, or null.',
    authScopes: { read: true },
    args: {
      channel: t.arg({ type: IdentityChannel, required: true, description: 'The channel of the handle.' }),
      value: t.arg.string({ required: true, description: 'The handle as typed; it is normalized before the lookup.' }),
    },
    resolve: async (query, _root, args, ctx) => {
      const id = await findCustomerIdByIdentity(tenantOf(ctx), args.channel, args.value);
      if (!id) return undefined;
      return ctx.db.query.customers.findFirst(query({ where: { id, orgId: orgIdOf(ctx) } }));
    },
  }),
}));

const mutation = { authScopes: { write: true }, errors: mutationErrorOptions } as const;

builder.mutationFields((t) => ({
  createCustomer: t.field({
    ...mutation,
    type: Customer,
    description: 'Adds a customer to the archive.',
    args: { input: t.arg({ type: CreateCustomerInput, required: true, description: 'The new customer.' }) },
    resolve: (_root, args, ctx) => createCustomer(tenantOf(ctx), args.input),
  }),
  updateCustomer: t.field({
    ...mutation,
    type: Customer,
    description: "Changes a customer's profile.",
    args: { input: t.arg({ type: UpdateCustomerInput, required: true, description: 'The customer and what to change.' }) },
    resolve: (_root, { input: { id, ...patch } }, ctx) => updateCustomer(tenantOf(ctx), id.id, patch),
  }),
  addCustomerIdentity: t.field({
    ...mutation,
    type: Customer,
    description: 'Links a channel handle to a customer; a handle another customer holds is a ConflictError.',
    args: { input: t.arg({ type: AddCustomerIdentityInput, required: true, description: 'The customer and the handle.' }) },
    resolve: (_root, { input: { customerId, ...identity } }, ctx) =>
      addCustomerIdentity(tenantOf(ctx), customerId.id, identity),
  }),
  removeCustomerIdentity: t.field({
    ...mutation,
    type: Customer,
    description: 'Removes a channel handle; returns the customer it belonged to.',
    args: { input: t.arg({ type: RemoveCustomerIdentityInput, required: true, description: 'The handle.' }) },
    resolve: (_root, args, ctx) =>
      removeCustomerIdentity(tenantOf(ctx), args.input.identityId.id),
  }),
  recordPurchase: t.field({
    ...mutation,
    type: Purchase,
    description: 'Records a product a customer bought.',
    args: { input: t.arg({ type: RecordPurchaseInput, required: true, description: 'The customer and the purchase.' }) },
    resolve: (_root, { input: { customerId, ...purchase } }, ctx) => recordPurchase(tenantOf(ctx), customerId.id, purchase),
  }),
  mergeCustomers: t.field({
    ...mutation,
    type: Customer,
    description: 'Moves everything linked to the source onto the target and deletes the source.',
    args: { input: t.arg({ type: MergeCustomersInput, required: true, description: 'The source and the target.' }) },
    resolve: (_root, args, ctx) => mergeCustomers(tenantOf(ctx), args.input.sourceId.id, args.input.targetId.id),
  }),
  eraseCustomer: t.field({
    ...mutation,
    type: Customer,
    description: 'Right to erasure: removes personal data, keeps an anonymous stub for statistics.',
    args: { input: t.arg({ type: EraseCustomerInput, required: true, description: 'The customer.' }) },
    resolve: (_root, args, ctx) => eraseCustomer(tenantOf(ctx), args.input.id.id),
  }),
  exportCustomer: t.field({
    ...mutation,
    authScopes: { read: true },
    type: 'JSON',
    description: 'All data held on one customer, as one JSON document.',
    args: { input: t.arg({ type: ExportCustomerInput, required: true, description: 'The customer.' }) },
    resolve: (_root, args, ctx) => exportCustomer(tenantOf(ctx), args.input.id.id),
  }),
  recomputeTiers: t.field({
    ...mutation,
    type: TierCounts,
    description: 'Recomputes A/B/C tiers from purchase value; manual tiers are left alone.',
    resolve: (_root, _args, ctx) => recomputeTiers(tenantOf(ctx)),
  }),
}));
