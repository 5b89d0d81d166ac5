import { builder } from '../../builder.ts';
import { orgIdOf, tenantOf } from '../../context.ts';
import { Agent, Team } from '../../care-team/care-team.schema.ts';
import { Customer } from '../../customers/customers.schema.ts';
import { Site } from '../../sites/sites.schema.ts';
import { mutationErrorOptions } from '../../shared/common.schema.ts';
import { enumOf } from '../../shared/enums.ts';
import { maxPageSize } from '../../shared/limits.ts';
import { inputFromZod } from '../../shared/zod-input.ts';
import { ComplainantType, Complaint, ComplaintSeverity } from '../complaints.schema.ts';
import { complaintFilterInput } from './inbox.input.ts';
import {
  complaintFilterSql,
  countComplaints,
  linkComplaintCustomer,
  nextDueOrderSql,
  staffReference,
  suggestedCustomerIdSql,
  type FilterIds,
} from './inbox.service.ts';

builder.drizzleObjectFields(Complaint, (t) => ({
  severity: t.expose('severity', { type: ComplaintSeverity, description: 'How serious it is: MEDIUM until triage says otherwise; the SLA targets follow it.' }),
  complainantType: t.expose('complainantType', {
    type: ComplainantType,
    nullable: true,
    description: 'How the complainant behaves, as triage recorded it; null before triage.',
  }),
  escalated: t.exposeBoolean('escalated', {
    description: 'Escalated: an IRATE or ACTIVIST complainant, CRITICAL severity or a breached SLA.',
  }),
  escalatedAt: t.expose('escalatedAt', { type: 'DateTime', nullable: true, description: 'When it was escalated; null if never.' }),
  assignee: t.relation('assignee', { nullable: true, description: 'The agent handling it now; null while unassigned.' }),
  team: t.relation('team', { nullable: true, description: 'The team it is routed to; null for none.' }),
  transferCount: t.exposeInt('transferCount', {
    description: 'How many times it moved from one agent or team to another after the first assignment.',
  }),
  reopenCount: t.exposeInt('reopenCount', { description: 'How many times it was reopened (e.g. the customer said "not solved").' }),
  assigneeStations: t.exposeInt('assigneeStations', { description: 'How many assignments it has had: the desks it passed.' }),
  firstContactResolution: t.boolean({
    description: 'Resolved with no transfer and never reopened (first-contact resolution); false while not resolved.',
    select: { columns: { firstResolvedAt: true, transferCount: true, reopenCount: true } },
    resolve: (c) => c.firstResolvedAt !== null && c.transferCount === 0 && c.reopenCount === 0,
  }),
  acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', nullable: true, description: 'When the care team acknowledged it; null before.' }),
  firstResponseAt: t.expose('firstResponseAt', {
    type: 'DateTime',
    nullable: true,
    description: 'When staff first answered the customer visibly (not an internal note); null before.',
  }),
  firstResolvedAt: t.expose('firstResolvedAt', {
    type: 'DateTime',
    nullable: true,
    description: 'When it was first resolved; kept when it is reopened and resolved again.',
  }),
  resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true, description: 'When it was last resolved; null if never.' }),
  closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'When it was closed; null while not closed.' }),
  followUpDueAt: t.expose('followUpDueAt', {
    type: 'DateTime',
    nullable: true,
    description: 'Set on closing: when care should follow up with the customer.',
  }),
  nextDueAt: t.expose('nextDueAt', {
    type: 'DateTime',
    nullable: true,
    description: 'The earliest due time of its running SLA clocks; null when none runs. The inbox sorts by it (NEXT_DUE_AT).',
  }),
  suggestedCustomer: t.field({
    type: Customer,
    nullable: true,
    description:
      'For a complaint without a customer: the customer whose EMAIL or PHONE identity is the contact typed in the form. A typed email proves nothing, so it is only a suggestion: staff link it with linkComplaintCustomer.',
    select: { extras: { suggestedCustomerId: (table) => suggestedCustomerIdSql(table) } },
    resolve: async (c, _args, ctx) => {
      const id = (c as { suggestedCustomerId?: string | null }).suggestedCustomerId;
      if (!id) return null;
      return (await ctx.db.query.customers.findFirst({ where: { id, orgId: orgIdOf(ctx) } })) ?? null;
    },
  }),
}));

const ComplaintOrderField = enumOf('ComplaintOrderField', ['next_due_at', 'created_at', 'updated_at'] as const, {
  description: 'What the inbox sorts by.',
  values: {
    next_due_at: 'The next SLA due time: what burns next first (ASC). Complaints with no running clock come last, oldest first.',
    created_at: 'When it was filed.',
    updated_at: 'When it last changed.',
  },
});

export const OrderDirection = enumOf('OrderDirection', ['asc', 'desc'] as const, {
  description: 'Which way a list is sorted.',
  values: { asc: 'Ascending: earliest first.', desc: 'Descending: latest first.' },
});

const ComplaintOrder = builder.inputType('ComplaintOrder', {
  description: 'How the inbox is sorted; ties are broken by filing time and id, so pages never skip or repeat a complaint.',
  fields: (t) => ({
    field: t.field({ type: ComplaintOrderField, required: true, description: 'What to sort by.' }),
    direction: t.field({
      type: OrderDirection,
      description: 'ASC or DESC; without it ASC for NEXT_DUE_AT (soonest due first) and DESC for CREATED_AT and UPDATED_AT (newest first).',
    }),
  }),
});

const ComplaintFilter = inputFromZod('ComplaintFilter', complaintFilterInput, {
  description: 'Which complaints the inbox lists: every given condition must hold.',
  extra: (t) => ({
    assigneeId: t.globalID({ for: Agent, description: 'Complaints assigned to this Agent.' }),
    teamId: t.globalID({ for: Team, description: 'Complaints routed to this Team.' }),
    siteId: t.globalID({ for: Site, description: 'Complaints filed on this Site.' }),
    customerId: t.globalID({ for: Customer, description: 'Complaints of this Customer.' }),
  }),
});

type FilterArg = { assigneeId?: { id: string } | null; teamId?: { id: string } | null; siteId?: { id: string } | null; customerId?: { id: string } | null } & Record<string, unknown>;

function splitFilter(filter: FilterArg | null | undefined): { rest: Record<string, unknown>; ids: FilterIds } {
  const { assigneeId, teamId, siteId, customerId, ...rest } = filter ?? {};
  return { rest, ids: { assigneeId: assigneeId?.id, teamId: teamId?.id, siteId: siteId?.id, customerId: customerId?.id } };
}

type OrderArg = { field: 'next_due_at' | 'created_at' | 'updated_at'; direction?: 'asc' | 'desc' | null } | null | undefined;

builder.queryFields((t) => ({
  complaints: t.drizzleConnection(
    {
      type: 'complaints',
      description: "The care team's inbox: the organization's complaints, filtered and sorted; by default the soonest due first (NEXT_DUE_AT).",
      authScopes: { read: true },
      maxSize: maxPageSize,
      args: {
        filter: t.arg({ type: ComplaintFilter, description: 'Only complaints matching it; all without it.' }),
        orderBy: t.arg({ type: ComplaintOrder, description: 'How to sort; NEXT_DUE_AT ascending without it.' }),
      },
      totalCount: (_root, args, ctx) => {
        const { rest, ids } = splitFilter(args.filter as FilterArg);
        return countComplaints(tenantOf(ctx), rest, ids);
      },
      resolve: (query, _root, args, ctx) => {
        const { rest, ids } = splitFilter(args.filter as FilterArg);
        const order = args.orderBy as OrderArg;
        const field = order?.field ?? 'next_due_at';
        const direction = order?.direction ?? (field === 'next_due_at' ? 'asc' : 'desc');
        const tenant = tenantOf(ctx);
        if (field === 'next_due_at') {
          return ctx.db.query.complaints.findMany(
            query({
              where: { RAW: (table) => complaintFilterSql(table, tenant, rest, ids) },
              extras: { dueOrder: (table) => nextDueOrderSql(table, direction) },
              orderBy: { dueOrder: direction, createdAt: direction, id: direction },
            }),
          );
        }
        const column = field === 'created_at' ? 'createdAt' : 'updatedAt';
        return ctx.db.query.complaints.findMany(
          query({
            where: { RAW: (table) => complaintFilterSql(table, tenant, rest, ids) },
            orderBy: field === 'created_at' ? { createdAt: direction, id: direction } : { [column]: direction, createdAt: direction, id: direction },
          }),
        );
      },
    },
    { name: 'ComplaintConnection' },
    { name: 'ComplaintEdge' },
  ),
  complaintByReference: t.drizzleField({
    type: 'complaints',
    nullable: true,
    description: 'Staff: the complaint a customer quotes by reference (case, spaces and dashes forgiven; the C may be left out); null when unknown or of another organization.',
    authScopes: { read: true },
    args: { reference: t.arg.string({ required: true, description: 'The reference as the customer gave it, e.g. c 7k2m 9qxd.' }) },
    resolve: (query, _root, args, ctx) => {
      const reference = staffReference(args.reference);
      if (!reference) return undefined;
      return ctx.db.query.complaints.findFirst(query({ where: { orgId: orgIdOf(ctx), reference } }));
    },
  }),
}));

const LinkComplaintCustomerInput = builder.inputType('LinkComplaintCustomerInput', {
  description: 'The complaint and the customer who filed it.',
  fields: (t) => ({
    complaintId: t.globalID({ for: Complaint, required: true, description: 'A Complaint id.' }),
    customerId: t.globalID({ for: Customer, required: true, description: 'The Customer to link it to (usually its suggestedCustomer).' }),
    actorAgentId: t.globalID({ for: Agent, description: 'The Agent who links it, recorded on the event beside the API key.' }),
  }),
});

builder.mutationFields((t) => ({
  linkComplaintCustomer: t.field({
    authScopes: { write: true },
    errors: mutationErrorOptions,
    type: Complaint,
    description:
      'Links a complaint to the customer who filed it (staff recognised them, e.g. its suggestedCustomer). Linking its customer again changes nothing; a complaint linked to another customer is a ConflictError.',
    args: { input: t.arg({ type: LinkComplaintCustomerInput, required: true, description: 'The complaint and the customer.' }) },
    resolve: (_root, { input }, ctx) =>
      linkComplaintCustomer(tenantOf(ctx), input.complaintId.id, input.customerId.id, input.actorAgentId?.id),
  }),
}));
