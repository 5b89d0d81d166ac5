import { getSchemaConfig, queryFromInfo } from '@pothos/plugin-drizzle';
import { builder } from '../../builder.ts';
import { tenantOf } from '../../context.ts';
import { Complaint } from '../../complaints/complaints.schema.ts';
import { DomainEvent } from '../../events/events.schema.ts';
import { Feedback } from '../../feedback/feedback.schema.ts';
import { Touchpoint } from '../../touchpoints/touchpoints.schema.ts';
import { limits } from '../../shared/limits.ts';
import { Customer, Purchase } from '../customers.schema.ts';
import { decodeTimelineCursor, encodeTimelineCursor } from './timeline.cursor.ts';
import { customerTimeline, timelineDefaultSize, type TimelineItem } from './timeline.service.ts';

/** A complaint's event as the timeline shows it: the event, and the complaint it belongs to. */
const ComplaintEvent = builder.drizzleObject('events', {
  variant: 'ComplaintEvent',
  description: "One event of a complaint's history (public or internal), with the complaint it belongs to.",
  fields: (t) => ({
    event: t.variant(DomainEvent, { description: 'What happened, as Complaint.history shows it.' }),
    complaint: t.relation('complaint', { type: Complaint, description: 'The complaint whose history it is.' }),
  }),
});

/** The GraphQL type of each kind's rows: the union asks the item, not the row, which it is. */
const typeOfKind = { touchpoint: 'Touchpoint', purchase: 'Purchase', feedback: 'Feedback', complaint_event: 'ComplaintEvent' } as const;
const kindOfEntry = new WeakMap<object, TimelineItem['kind']>();

const TimelineEntry = builder.unionType('TimelineEntry', {
  description: 'What a timeline item is: a touchpoint, a purchase, feedback, or an event of one of the customer’s complaints.',
  types: [Touchpoint, Purchase, Feedback, ComplaintEvent],
  resolveType: (entry) => typeOfKind[kindOfEntry.get(entry as object) as keyof typeof typeOfKind],
});

const CustomerTimelineItem = builder.objectRef<TimelineItem>('CustomerTimelineItem').implement({
  description: "One item of a customer's timeline: when, and what.",
  fields: (t) => ({
    at: t.field({
      type: 'DateTime',
      description: 'Where it sits: a touchpoint’s occurredAt, else (scheduled, missed or cancelled) its scheduledFor, else its recordedAt; a purchase’s purchasedAt; feedback’s createdAt; an event’s occurredAt.',
      resolve: (item) => item.key.at,
    }),
    entry: t.field({
      type: TimelineEntry,
      description: 'The item itself.',
      resolve: (item) => {
        kindOfEntry.set(item.row, item.kind);
        return item.row as never;
      },
    }),
  }),
});

const CustomerTimelineConnection = builder.connectionObject(
  { type: CustomerTimelineItem, name: 'CustomerTimelineConnection', description: "A page of a customer's timeline, newest first." },
  { name: 'CustomerTimelineEdge', description: "One item of a customer's timeline and its cursor." },
);

builder.drizzleObjectField(Customer, 'timeline', (t) =>
  t.field({
    type: CustomerTimelineConnection,
    description:
      'What an agent opens before calling: the customer’s touchpoints (scheduled ones at their due time, so what is coming is on top), purchases, feedback and every event of their complaints (internal ones included), newest first, in one stream. Items of one instant keep a fixed order.',
    select: { columns: { id: true } },
    args: {
      first: t.arg.int({ description: `How many items, 1 to ${limits.pageSize}; ${timelineDefaultSize} without it.` }),
      after: t.arg.string({ description: 'An endCursor (or an edge’s cursor) of this timeline: the items after it.' }),
    },
    resolve: async (customer, args, ctx, info) => {
      const after = args.after ? decodeTimelineCursor(args.after) : undefined;
      // Each kind's rows are read with what the document selects under its fragment (one statement per kind, nested fields included).
      const config = getSchemaConfig(builder);
      const queryOf = (typeName: string) =>
        queryFromInfo({ config, context: ctx, info, typeName, path: ['edges', 'node', 'entry'], columns: { id: true } });
      const queries = Object.fromEntries(Object.entries(typeOfKind).map(([kind, typeName]) => [kind, queryOf(typeName)]));
      const page = await customerTimeline(tenantOf(ctx), customer.id, { first: args.first ?? timelineDefaultSize, after }, queries);
      const edges = page.items.map((item) => ({ cursor: encodeTimelineCursor(item.key), node: item }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: after !== undefined,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
);
