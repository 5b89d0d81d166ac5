import type { eventVisibilities } from '../db/tables/index.ts';

/** What an event is about: its sequence runs per (aggregate type, aggregate id). */
export type AggregateType =
  | 'customer'
  | 'organization'
  | 'site'
  | 'survey'
  | 'feedback'
  | 'complaint'
  | 'api_key'
  | 'agent'
  | 'team'
  | 'touchpoint'
  | 'care_plan';
export type Visibility = (typeof eventVisibilities)[number];

interface Entry<A extends AggregateType, P> {
  aggregate: A;
  visibility: Visibility;
  /** What the type records, for the README table. */
  description: string;
  /** Phantom: the payload's type (never set at run time). */
  payload?: P;
}

const entry =
  <P>() =>
  <A extends AggregateType>(e: Omit<Entry<A, P>, 'payload'>): Entry<A, P> =>
    e;

/**
 * The names of changed fields, never their values: a history needs what changed, not the data,
 * and an erased customer's events then hold nothing about the person.
 */
type Changed = { fields: string[] };
type None = Record<string, never>;

/**
 * Every event type, one typed list: type name → aggregate, visibility, payload. Type names are
 * `<aggregate>.<what happened>`; the README's table is this list. Payloads hold ids, field
 * names, enum values and numbers only: no personal data.
 */
export const catalogue = {
  'customer.created': entry<Changed>()({
    aggregate: 'customer',
    visibility: 'internal',
    description: "A customer was created by the API, or as a stub by a site's widget bringing a new customer token (the names of the fields given).",
  }),
  'customer.updated': entry<Changed>()({
    aggregate: 'customer',
    visibility: 'internal',
    description: 'Profile fields changed (their names only).',
  }),
  'customer.merged': entry<{ sourceId: string }>()({
    aggregate: 'customer',
    visibility: 'internal',
    description: 'Another customer (sourceId) was merged into this one and deleted.',
  }),
  'customer.erased': entry<None>()({
    aggregate: 'customer',
    visibility: 'internal',
    description: 'Personal data was erased; an anonymous stub remains.',
  }),
  'customer.identity_added': entry<{ identityId: string; channel: string }>()({
    aggregate: 'customer',
    visibility: 'internal',
    description: 'A channel handle was linked (its id and channel, not its value).',
  }),
  'customer.identity_removed': entry<{ identityId: string; channel: string }>()({
    aggregate: 'customer',
    visibility: 'internal',
    description: 'A channel handle was unlinked (its id and channel).',
  }),
  'customer.purchase_recorded': entry<{ purchaseId: string }>()({
    aggregate: 'customer',
    visibility: 'internal',
    description: 'A purchase was recorded (its id; product, reason and value stay on the purchase).',
  }),
  'customer.care_opted_out': entry<None>()({
    aggregate: 'customer',
    visibility: 'internal',
    description: 'The customer opted out of care messages: care plans schedule nothing more for them.',
  }),
  'customer.care_opted_in': entry<None>()({
    aggregate: 'customer',
    visibility: 'internal',
    description: 'The customer opted back in to care messages.',
  }),
  'customer.contact_channels_changed': entry<{ channels: string[] | null }>()({
    aggregate: 'customer',
    visibility: 'internal',
    description: 'The channels care may use changed: the new list of touchpoint channels, null for any.',
  }),
  'organization.tiers_recomputed': entry<{ a: number; b: number; c: number }>()({
    aggregate: 'organization',
    visibility: 'internal',
    description: 'Computed tiers were recomputed: how many customers got A, B and C.',
  }),
  'organization.complaint_settings_updated': entry<Changed>()({
    aggregate: 'organization',
    visibility: 'internal',
    description: 'Complaint settings changed: business calendar, SLA targets, tier multipliers or follow-up days (the names of the parts given).',
  }),
  'organization.care_settings_updated': entry<Changed>()({
    aggregate: 'organization',
    visibility: 'internal',
    description: "Care settings changed: the organization's time zone, the fatigue cap or the holiday list (the names of the parts given).",
  }),
  'complaint.sla_retargeted': entry<{
    severity: string;
    tier: string | null;
    clocks: { metric: string; fromSeconds: number; toSeconds: number }[];
  }>()({
    aggregate: 'complaint',
    visibility: 'internal',
    description:
      "Severity, the customer's tier or the policy changed the targets of open SLA clocks (severity and tier after; each clock's target before and after, in business seconds); time already used is kept.",
  }),
  'complaint.sla_warning': entry<{ clockId: string; metric: string; dueAt: string }>()({
    aggregate: 'complaint',
    visibility: 'internal',
    description: 'An SLA clock has used 80% of its target (once per clock, from the periodic watcher).',
  }),
  'complaint.sla_breached': entry<{ clockId: string; metric: string; dueAt: string }>()({
    aggregate: 'complaint',
    visibility: 'internal',
    description:
      'An SLA clock passed its due time (once per clock: from the periodic watcher, or from the change that ended the clock late before the watcher ran).',
  }),
  'site.created': entry<Changed>()({ aggregate: 'site', visibility: 'internal', description: 'A site was created.' }),
  'site.updated': entry<Changed>()({
    aggregate: 'site',
    visibility: 'internal',
    description: 'Name or allowed origins changed (field names).',
  }),
  'site.keys_rotated': entry<None>()({
    aggregate: 'site',
    visibility: 'internal',
    description: 'New publishable key and identity secret (neither is in the event).',
  }),
  'survey.created': entry<{ key: string; kind: string; status: string }>()({
    aggregate: 'survey',
    visibility: 'internal',
    description: 'A survey was created (its key, kind and status).',
  }),
  'survey.updated': entry<Changed>()({ aggregate: 'survey', visibility: 'internal', description: 'Survey fields changed (names).' }),
  'survey.archived': entry<None>()({
    aggregate: 'survey',
    visibility: 'internal',
    description: 'A survey was archived: hidden from widgets, responses kept. Archiving again records nothing.',
  }),
  'feedback.survey_response_received': entry<{ siteId: string; surveyId: string; customerId: string | null; score: number | null }>()({
    aggregate: 'feedback',
    visibility: 'internal',
    description: 'A widget submitted a survey response (the score, not the answers); a replay records nothing.',
  }),
  'feedback.resolution_check_received': entry<{ siteId: string; customerId: string | null; solved: boolean }>()({
    aggregate: 'feedback',
    visibility: 'internal',
    description: 'A widget answered "did this solve your problem?" (not the subject or comment). Written in the insert\'s own statement; a replay records nothing.',
  }),
  'feedback.resolution_check_completed': entry<{ fields: string[]; agentRating: number | null }>()({
    aggregate: 'feedback',
    visibility: 'internal',
    description:
      'A later send under the same idempotency key added what the first lacked: the agent rating (given here), or for a No its reason or comment (names only).',
  }),
  'complaint.filed': entry<{ siteId: string; customerId: string | null; category: string }>()({
    aggregate: 'complaint',
    visibility: 'public',
    description:
      "A widget filed a complaint (its site, customer and category; never the description or contact). Public: the first entry of the customer's timeline. Written in the insert's own statement; a replay records nothing.",
  }),
  'complaint.customer_linked': entry<{ customerId: string }>()({
    aggregate: 'complaint',
    visibility: 'internal',
    description: 'Staff linked the complaint to a customer (its id), e.g. the suggested one; linking the same customer again records nothing.',
  }),
  // The lifecycle (server/complaints/lifecycle): payload.status is the status after and payload.from the one
  // before, when the event changed it; texts live in complaint_messages and the event carries the message's id.
  'complaint.acknowledged': entry<{ status: string; from?: string }>()({
    aggregate: 'complaint',
    visibility: 'public',
    description: 'Staff acknowledged the complaint (NEW → ACKNOWLEDGED). Timeline: "Received by our team".',
  }),
  'complaint.handling_started': entry<{ status: string; from?: string }>()({
    aggregate: 'complaint',
    visibility: 'public',
    description: 'An assignment or transfer to an agent moved a NEW, ACKNOWLEDGED or REOPENED complaint to IN_PROGRESS. Timeline: "Being handled".',
  }),
  'complaint.info_requested': entry<{ status: string; from?: string; messageId: string }>()({
    aggregate: 'complaint',
    visibility: 'public',
    description: 'Staff asked the customer for information (→ AWAITING_CUSTOMER); the question is the message. Timeline: "We need information from you".',
  }),
  'complaint.customer_replied': entry<{ status?: string; from?: string; messageId: string }>()({
    aggregate: 'complaint',
    visibility: 'public',
    description: 'The customer replied through the widget (AWAITING_CUSTOMER → IN_PROGRESS; status absent when it did not change). Timeline: "Your reply".',
  }),
  'complaint.customer_note': entry<{ messageId: string }>()({
    aggregate: 'complaint',
    visibility: 'public',
    description: 'Staff wrote a customer-visible update (the message). Timeline: "Update".',
  }),
  'complaint.resolved': entry<{ status: string; from?: string; messageId: string }>()({
    aggregate: 'complaint',
    visibility: 'public',
    description: 'Staff resolved the complaint (the resolution is the message). Timeline: "Resolved".',
  }),
  'complaint.closed': entry<{ status: string; from?: string; followUpDueAt: string }>()({
    aggregate: 'complaint',
    visibility: 'public',
    description: 'Closed, by staff or by the customer confirming it solved; followUpDueAt is when care follows up. Timeline: "Closed".',
  }),
  'complaint.reopened': entry<{ status: string; from?: string; messageId: string | null; by: 'staff' | 'customer' }>()({
    aggregate: 'complaint',
    visibility: 'public',
    description:
      'Reopened after RESOLVED or CLOSED, by staff (the reason is an internal message) or by the customer answering "not solved" (their reason is public). Timeline: "Reopened".',
  }),
  'complaint.triaged': entry<{ severity: string; complainantType: string; category: string; fields: string[] }>()({
    aggregate: 'complaint',
    visibility: 'internal',
    description: 'Triage set severity, complainant type and category (the values after; fields: the ones that changed).',
  }),
  'complaint.assigned': entry<{ agentId: string; teamId: string | null; previousAgentId: string | null; messageId: string | null }>()({
    aggregate: 'complaint',
    visibility: 'internal',
    description: "Assigned to an agent (and the agent's team); the reason, if given, is an internal message.",
  }),
  'complaint.transferred': entry<{
    fromAgentId: string | null;
    fromTeamId: string | null;
    toAgentId: string | null;
    toTeamId: string | null;
    messageId: string;
  }>()({
    aggregate: 'complaint',
    visibility: 'internal',
    description: 'Moved to another agent or team; the reason (required) is an internal message.',
  }),
  'complaint.internal_note': entry<{ messageId: string }>()({
    aggregate: 'complaint',
    visibility: 'internal',
    description: 'Staff wrote an internal note (the message): never on the public timeline.',
  }),
  'complaint.recovery_recorded': entry<{ recoveryActionId: string; type: string; valueCents: number | null; currency: string | null }>()({
    aggregate: 'complaint',
    visibility: 'internal',
    description: 'A service recovery action was recorded (its id, type and value; the description stays on the action).',
  }),
  'complaint.escalated': entry<{ reasons: string[] }>()({
    aggregate: 'complaint',
    visibility: 'internal',
    description: 'The complaint was escalated, once: reasons complainant_type (IRATE or ACTIVIST), severity (CRITICAL) or sla_breached.',
  }),
  'complaint.resolution_confirmed': entry<{ solved: boolean; agentRating: number | null; messageId: string | null }>()({
    aggregate: 'complaint',
    visibility: 'internal',
    description: "The customer answered the two questions after RESOLVED: solved or not, the agent's rating (1–5); a comment is an internal message.",
  }),
  // Touchpoints (server/touchpoints): payload.status is the status after, payload.from the one before a
  // transition; summaries, outcomes, messages and cancel reasons stay on the touchpoint (erasure blanks them).
  'touchpoint.logged': entry<{ status: string; customerId: string; channel: string; direction: string; kind: string; automated: boolean }>()({
    aggregate: 'touchpoint',
    visibility: 'internal',
    description: 'A touchpoint was logged after the fact (status DONE): its customer, channel, direction, kind and whether it was automated.',
  }),
  'touchpoint.scheduled': entry<{
    status: string;
    customerId: string;
    channel: string;
    kind: string;
    scheduledFor: string;
    agentId: string | null;
    teamId: string | null;
    automated: boolean;
    planOccurrenceId: string | null;
    /** Care plans only: the plan, and whether the scheduler created it after its due time (catch-up). */
    planId?: string;
    late?: boolean;
  }>()({
    aggregate: 'touchpoint',
    visibility: 'internal',
    description:
      'A touchpoint was scheduled (status SCHEDULED) by staff or a care plan (planOccurrenceId, planId, late when created after its due time): when, for whom, assigned to which agent or team.',
  }),
  'touchpoint.completed': entry<{ status: string; from: string; customerId: string; kind: string; sentiment: string | null }>()({
    aggregate: 'touchpoint',
    visibility: 'internal',
    description: 'A scheduled touchpoint was done (SCHEDULED → DONE), with the sentiment recorded.',
  }),
  'touchpoint.missed': entry<{ status: string; from: string; customerId: string; kind: string }>()({
    aggregate: 'touchpoint',
    visibility: 'internal',
    description: 'A scheduled touchpoint did not happen (SCHEDULED → MISSED), e.g. nobody answered.',
  }),
  'touchpoint.cancelled': entry<{
    status: string;
    from: string;
    customerId: string;
    kind: string;
    /** Cancelled by a care plan's exit: its reason code (a staff member's own words stay on the touchpoint) and the occurrence. */
    exit?: string;
    planOccurrenceId?: string;
  }>()({
    aggregate: 'touchpoint',
    visibility: 'internal',
    description:
      "A scheduled touchpoint was cancelled (SCHEDULED → CANCELLED); the reason stays on the touchpoint. A care plan's exit names its reason code in exit (opted_out, channel_not_allowed, complaint_open, audience_left, contact_made, erased, merged).",
  }),
  'touchpoint.rescheduled': entry<{
    status: string;
    from: string;
    customerId: string;
    kind: string;
    scheduledFor: string;
    previousScheduledFor: string | null;
  }>()({
    aggregate: 'touchpoint',
    visibility: 'internal',
    description: 'A scheduled or missed touchpoint got a new due time (→ SCHEDULED): the time after and before.',
  }),
  'agent.created': entry<Changed>()({
    aggregate: 'agent',
    visibility: 'internal',
    description: 'An agent was added to the care team (the names of the fields given; never the email).',
  }),
  'agent.updated': entry<Changed>()({
    aggregate: 'agent',
    visibility: 'internal',
    description: "An agent's name, email or team changed (field names).",
  }),
  'agent.deactivated': entry<None>()({
    aggregate: 'agent',
    visibility: 'internal',
    description: 'An agent was deactivated: history kept, no longer assignable. Deactivating again records nothing.',
  }),
  'team.created': entry<Changed>()({ aggregate: 'team', visibility: 'internal', description: 'A team was created (field names).' }),
  'team.updated': entry<Changed>()({
    aggregate: 'team',
    visibility: 'internal',
    description: "A team's name or description changed (field names).",
  }),
  // Care plans (server/care-plans): field names and the trigger type only; templates stay on the plan.
  'care_plan.created': entry<{ trigger: string; active: boolean; automated: boolean; fields: string[] }>()({
    aggregate: 'care_plan',
    visibility: 'internal',
    description: 'A care plan was created: its trigger type, whether it is active and automated, the names of the fields given.',
  }),
  'care_plan.updated': entry<Changed>()({
    aggregate: 'care_plan',
    visibility: 'internal',
    description: "A care plan's name, trigger, audience, action, quiet rules, exits, assignee or lateness changed (field names).",
  }),
  'care_plan.activated': entry<None>()({
    aggregate: 'care_plan',
    visibility: 'internal',
    description: 'A paused care plan was resumed: it makes occurrences again.',
  }),
  'care_plan.deactivated': entry<None>()({
    aggregate: 'care_plan',
    visibility: 'internal',
    description: 'A care plan was paused: it makes no new occurrences.',
  }),
  // The care scheduler (server/care-plans/scheduler): occurrences a plan holds back, automated touchpoints whose time came.
  'touchpoint.skipped': entry<{ customerId: string; planId: string; occurrenceId: string; occurrenceKey: string; dueAt: string; reason: string }>()({
    aggregate: 'touchpoint',
    visibility: 'internal',
    description:
      'A care plan held an occurrence back, so no touchpoint exists: the aggregate id is the occurrence id. Reason too_late, opted_out, channel_not_allowed, complaint_open, recently_contacted or fatigue_cap; once per occurrence.',
  }),
  'touchpoint.due': entry<{ customerId: string; scheduledFor: string; channel: string; kind: string; planId: string; occurrenceId: string }>()({
    aggregate: 'touchpoint',
    visibility: 'internal',
    description:
      "An automated plan touchpoint's time came (from the care.run-plans job, once per touchpoint): the company's systems deliver its message and mark it done.",
  }),
  'api_key.created': entry<{ scopes: string[] }>()({
    aggregate: 'api_key',
    visibility: 'internal',
    description: 'An API key was created (its scopes; never the key or its hash).',
  }),
  'api_key.revoked': entry<None>()({
    aggregate: 'api_key',
    visibility: 'internal',
    description: 'An API key was revoked. Revoking again records nothing.',
  }),
} as const;

export type Catalogue = typeof catalogue;
export type EventType = keyof Catalogue;
export type EventPayload<T extends EventType> = NonNullable<Catalogue[T]['payload']>;
