import { builder } from '../builder.ts';
import { eventVisibilities } from '../db/tables/index.ts';
import { enumOf } from '../shared/enums.ts';

export const EventVisibility = enumOf('EventVisibility', eventVisibilities, {
  description: 'Who may see an event.',
  values: {
    internal: 'Staff only (through an API key).',
    public: "Also the customer: a complaint's public events are its timeline.",
  },
});

/** One row of the events table, as a history shows it (Complaint.history today). */
export const DomainEvent = builder.drizzleObject('events', {
  name: 'DomainEvent',
  description: 'One recorded change of an aggregate (a complaint, a customer…). The README lists every type with its payload.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The event id (a UUID).' }),
    type: t.exposeString('type', { description: 'What happened: a catalogue type, e.g. complaint.filed.' }),
    sequence: t.exposeInt('sequence', { description: "Its place in the aggregate's history: 1, 2, 3… without gaps." }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it happened.' }),
    actorType: t.exposeString('actorType', { description: 'Who did it: api_key, site or system (later agent).' }),
    actorId: t.exposeString('actorId', { description: 'The id of that API key, site or system job.' }),
    payload: t.expose('payload', {
      type: 'JSON',
      description: 'Its details (ids, field names, enum values, numbers; never personal data); the shape depends on type.',
    }),
    visibility: t.expose('visibility', { type: EventVisibility, description: 'Whether the customer may see it.' }),
  }),
});
