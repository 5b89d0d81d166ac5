import { z } from 'zod';
import { complainantTypes, complaintCategories, complaintSeverities, complaintStatuses } from '../../db/tables/index.ts';
import { boundedList, limits } from '../../shared/limits.ts';
import { instant } from '../../shared/temporal.ts';
import { described } from '../../shared/validate.ts';

export const inboxLimits = { search: limits.shortText } as const;

const anyOf = <T extends readonly [string, ...string[]]>(values: T) => boundedList(z.enum(values), values.length * 2).nullish();

/**
 * The inbox filter (ComplaintFilter in GraphQL; the ids of agents, teams, sites and customers are
 * global ids the resolver decodes and passes beside it). Every given condition must hold.
 */
export const complaintFilterInput = z.object({
  statuses: described(anyOf(complaintStatuses), 'Complaints in any of these statuses.'),
  open: described(
    z.boolean().nullish(),
    'True: complaints not yet RESOLVED or CLOSED (what the care team still has to do); false: only RESOLVED or CLOSED ones.',
  ),
  severities: described(anyOf(complaintSeverities), 'Complaints of any of these severities.'),
  categories: described(anyOf(complaintCategories), 'Complaints in any of these categories.'),
  complainantTypes: described(anyOf(complainantTypes), 'Complaints whose complainant was triaged as any of these types.'),
  unassigned: described(z.boolean().nullish(), 'True: complaints assigned to no agent; false: assigned ones.'),
  escalated: described(z.boolean().nullish(), 'True: escalated complaints only; false: not escalated ones.'),
  breached: described(
    z.boolean().nullish(),
    'True: complaints with at least one breached SLA clock (breached at any time, even if fulfilled later); false: none.',
  ),
  dueBefore: described(instant().nullish(), 'Complaints whose next SLA due time (nextDueAt) is before this instant.', { graphqlType: 'DateTime' }),
  createdFrom: described(instant().nullish(), 'Complaints filed at or after this instant.', { graphqlType: 'DateTime' }),
  createdTo: described(instant().nullish(), 'Complaints filed before this instant.', { graphqlType: 'DateTime' }),
  search: described(
    z.string().trim().max(inboxLimits.search, `must be at most ${inboxLimits.search} characters`).nullish(),
    `A reference as a customer quotes it (case, spaces and dashes forgiven) or words of the description (case-insensitive, substring); at most ${inboxLimits.search} characters.`,
  ),
});

export type ComplaintFilterInput = z.output<typeof complaintFilterInput>;
