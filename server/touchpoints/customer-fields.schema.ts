import { builder } from '../builder.ts';
import { orgIdOf } from '../context.ts';
import { Customer } from '../customers/customers.schema.ts';
import { lastContactSql } from './touchpoints.queries.ts';
import { Touchpoint, TouchpointStatus } from './touchpoints.schema.ts';

/** The customer's touchpoint fields, added from here so that customers.schema.ts does not depend on touchpoints. */

type WithExtras = { lastContactedAt?: string | null; lastInboundAt?: string | null; lastOutboundAt?: string | null };

const lastContact = (key: keyof WithExtras, direction: 'inbound' | 'outbound' | undefined, description: string) =>
  builder.drizzleObjectField(Customer, key, (t) =>
    t.field({
      type: 'DateTime',
      nullable: true,
      description,
      select: { extras: { [key]: (table: { id: unknown; orgId: unknown }) => lastContactSql(table, direction) } } as never,
      resolve: (customer) => (customer as WithExtras)[key] ?? null,
    }),
  );

lastContact(
  'lastContactedAt',
  undefined,
  'When the latest DONE touchpoint that was not automated happened, either way: a birthday message sent by a plan does not count. Null without one.',
);
lastContact('lastInboundAt', 'inbound', 'When the customer last reached the company (a DONE, not automated, INBOUND touchpoint); null if never.');
lastContact('lastOutboundAt', 'outbound', 'When the company last reached the customer in person (a DONE, not automated, OUTBOUND touchpoint); null if never.');

builder.drizzleObjectFields(Customer, (t) => ({
  touchpoints: t.relatedConnection(
    'touchpoints',
    {
      type: Touchpoint,
      description: "The customer's touchpoints, newest recorded first.",
      args: { status: t.arg({ type: TouchpointStatus, description: 'Only touchpoints in this status.' }) },
      query: (args, ctx) => ({
        where: { orgId: orgIdOf(ctx), ...(args.status ? { status: args.status } : {}) },
        orderBy: { recordedAt: 'desc', id: 'desc' },
      }),
      totalCount: true,
    },
    { name: 'CustomerTouchpointsConnection' },
    { name: 'CustomerTouchpointsEdge' },
  ),
  nextTouchpoint: t.field({
    type: Touchpoint,
    nullable: true,
    description: 'The earliest SCHEDULED touchpoint (overdue ones included); null when none is planned.',
    select: (_args, ctx, nestedSelection) => ({
      with: {
        touchpoints: nestedSelection({ where: { orgId: orgIdOf(ctx), status: 'scheduled' }, orderBy: { scheduledFor: 'asc', id: 'asc' }, limit: 1 }),
      },
    }),
    resolve: (customer) => (customer as unknown as { touchpoints: (typeof Touchpoint.$inferType)[] }).touchpoints[0] ?? null,
  }),
}));
