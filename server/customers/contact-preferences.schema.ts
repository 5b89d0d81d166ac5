import { builder } from '../builder.ts';
import { tenantOf } from '../context.ts';
import type { touchpointChannels } from '../db/tables/index.ts';
import { mutationErrorOptions } from '../shared/common.schema.ts';
import { inputFromZod } from '../shared/zod-input.ts';
import { TouchpointChannel } from '../touchpoints/touchpoints.schema.ts';
import { updateContactPreferences } from './contact-preferences.ts';
import { Customer } from './customers.schema.ts';
import { contactPreferencesInput } from './customers.input.ts';

// Its own module, after the touchpoints schema: the channels are TouchpointChannel, and the
// touchpoints schema imports Customer, so customers.schema.ts cannot import it back.

type Channel = (typeof touchpointChannels)[number];
type Preferences = { contactChannels: string[] | null; careOptedOutAt: string | null };

const ContactPreferences = builder.objectRef<Preferences>('ContactPreferences').implement({
  description: 'What care may do with a customer: which channels, and whether at all. Care plans respect it.',
  fields: (t) => ({
    channels: t.field({
      type: [TouchpointChannel],
      nullable: true,
      description: 'The channels care may use; null for any.',
      resolve: (p) => (p.contactChannels?.length ? (p.contactChannels as Channel[]) : null),
    }),
    optedOutOfCare: t.boolean({
      description: 'Opted out of care messages: care plans schedule nothing for them.',
      resolve: (p) => p.careOptedOutAt !== null,
    }),
    optedOutAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When they opted out; null while they have not.',
      resolve: (p) => p.careOptedOutAt,
    }),
  }),
});

builder.drizzleObjectField(Customer, 'contactPreferences', (t) =>
  t.field({
    type: ContactPreferences,
    description: 'Which channels care may use and whether they opted out of care messages (updateContactPreferences).',
    select: { columns: { contactChannels: true, careOptedOutAt: true } },
    resolve: (c) => ({ contactChannels: c.contactChannels, careOptedOutAt: c.careOptedOutAt }),
  }),
);

const UpdateContactPreferencesInput = inputFromZod('UpdateContactPreferencesInput', contactPreferencesInput, {
  description: 'Which customer, and what care may do: absent fields are kept.',
  extra: (t) => ({ customerId: t.globalID({ for: Customer, required: true, description: 'The Customer.' }) }),
});

builder.mutationFields((t) => ({
  updateContactPreferences: t.field({
    authScopes: { write: true },
    errors: mutationErrorOptions,
    type: Customer,
    description:
      'Sets the channels care may use and opts a customer out of (or back in to) care messages; each change is one event (customer.care_opted_out, customer.care_opted_in, customer.contact_channels_changed). Not part of updateCustomer, so that a profile form cannot undo a consent.',
    args: { input: t.arg({ type: UpdateContactPreferencesInput, required: true, description: 'The customer and the preferences.' }) },
    resolve: (_root, { input: { customerId, ...preferences } }, ctx) => updateContactPreferences(tenantOf(ctx), customerId.id, preferences),
  }),
}));
