import { z } from 'zod';
import { normalizeIdentity } from '../customers/identity-values.ts';
import { limits, longText, shortText } from '../shared/limits.ts';
import { described } from '../shared/validate.ts';

/** An agent's email: trimmed and lower-cased, so "Mei@Shop.com" and "mei@shop.com" are one agent. */
const agentEmail = z.string().transform((raw, ctx) => {
  const result = normalizeIdentity('email', raw);
  if ('error' in result) {
    ctx.addIssue({ code: 'custom', message: result.error });
    return z.NEVER;
  }
  return result.value;
});

const agentName = `The name customers may see ("Did Mei help you?"); 1 to ${limits.shortText} characters.`;
const emailText = 'A work email address, unique in the organization (kept lower-case); never shown to customers.';

/** A new agent; CreateAgentInput in GraphQL (its team is a global id, decoded by the resolver). */
export const createAgentInput = z.object({
  name: described(shortText(), agentName),
  email: described(agentEmail, emailText),
});

/** What to change of an agent (absent fields are kept); UpdateAgentInput with the agent's id. */
export const updateAgentInput = z.object({
  name: described(shortText().optional(), agentName),
  email: described(agentEmail.optional(), emailText),
});

const teamName = `A name for people, unique in the organization, e.g. Billing; 1 to ${limits.shortText} characters.`;
const teamDescription = `What the team handles; at most ${limits.longText} characters.`;

/** A new team; CreateTeamInput in GraphQL. */
export const createTeamInput = z.object({
  name: described(shortText(), teamName),
  description: described(longText().nullish(), teamDescription),
});

/** What to change of a team (absent fields are kept; a null description clears it). */
export const updateTeamInput = z.object({
  name: described(shortText().optional(), teamName),
  description: described(longText().nullish(), `${teamDescription} Null clears it.`),
});
