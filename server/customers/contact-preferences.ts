import type { CustomerRow } from './customers.rows.ts';

type Preferences = Pick<CustomerRow, 'contactChannels' | 'careOptedOutAt'>;

/**
 * What a merged customer may be contacted on: the stricter of the two. Opted out wins (keeping
 * the earlier opt-out, when the person first said so). Channels: a list where one side has one;
 * the intersection where both do; and where the two lists share nothing, the target's, because
 * an empty list means "any channel", the least strict answer there is.
 */
export function mergedContactPreferences(source: Preferences, target: Preferences): Preferences {
  const outs = [source.careOptedOutAt, target.careOptedOutAt].filter((at): at is string => at !== null);
  const careOptedOutAt = outs.length ? outs.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b)) : null;
  const restricted = (channels: string[] | null) => (channels?.length ? channels : null);
  const [s, t] = [restricted(source.contactChannels), restricted(target.contactChannels)];
  let contactChannels = t ?? s;
  if (s && t) {
    const both = t.filter((channel) => s.includes(channel));
    contactChannels = both.length ? both : t;
  }
  return { careOptedOutAt, contactChannels };
}
