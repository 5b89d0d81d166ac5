import { defineRelations } from 'drizzle-orm';
import * as tables from './tables/index.ts';

export const relations = defineRelations(tables, (r) => ({
  organizations: {
    apiKeys: r.many.apiKeys(),
    customers: r.many.customers(),
    sites: r.many.sites(),
  },
  apiKeys: {
    organization: r.one.organizations({ from: r.apiKeys.orgId, to: r.organizations.id, optional: false }),
  },
  customers: {
    organization: r.one.organizations({ from: r.customers.orgId, to: r.organizations.id, optional: false }),
    identities: r.many.customerIdentities({ from: r.customers.id, to: r.customerIdentities.customerId }),
    purchases: r.many.purchases({ from: r.customers.id, to: r.purchases.customerId }),
    feedback: r.many.feedback({ from: r.customers.id, to: r.feedback.customerId }),
    complaints: r.many.complaints({ from: r.customers.id, to: r.complaints.customerId }),
    // Joined on the organization too, so reads use touchpoints_org_customer_idx.
    touchpoints: r.many.touchpoints({ from: [r.customers.id, r.customers.orgId], to: [r.touchpoints.customerId, r.touchpoints.orgId] }),
  },
  customerIdentities: {
    customer: r.one.customers({
      from: r.customerIdentities.customerId,
      to: r.customers.id,
      optional: false,
    }),
  },
  purchases: {
    customer: r.one.customers({ from: r.purchases.customerId, to: r.customers.id, optional: false }),
  },
  sites: {
    organization: r.one.organizations({ from: r.sites.orgId, to: r.organizations.id, optional: false }),
  },
  surveys: {
    responses: r.many.feedback({ from: r.surveys.id, to: r.feedback.surveyId }),
  },
  feedback: {
    customer: r.one.customers({ from: r.feedback.customerId, to: r.customers.id }),
    survey: r.one.surveys({ from: r.feedback.surveyId, to: r.surveys.id }),
    site: r.one.sites({ from: r.feedback.siteId, to: r.sites.id }),
  },
  teams: {
    agents: r.many.agents({ from: r.teams.id, to: r.agents.teamId }),
    complaints: r.many.complaints({ from: r.teams.id, to: r.complaints.teamId }),
  },
  agents: {
    team: r.one.teams({ from: r.agents.teamId, to: r.teams.id }),
    complaints: r.many.complaints({ from: r.agents.id, to: r.complaints.assigneeId }),
  },
  complaints: {
    customer: r.one.customers({ from: r.complaints.customerId, to: r.customers.id }),
    site: r.one.sites({ from: r.complaints.siteId, to: r.sites.id }),
    assignee: r.one.agents({ from: r.complaints.assigneeId, to: r.agents.id }),
    team: r.one.teams({ from: r.complaints.teamId, to: r.teams.id }),
    // Joined on the organization too, so the read uses sla_clocks_org_complaint_idx (every index leads with org_id).
    slaClocks: r.many.slaClocks({ from: [r.complaints.id, r.complaints.orgId], to: [r.slaClocks.complaintId, r.slaClocks.orgId] }),
    messages: r.many.complaintMessages({ from: r.complaints.id, to: r.complaintMessages.complaintId }),
    recoveryActions: r.many.complaintRecoveryActions({ from: r.complaints.id, to: r.complaintRecoveryActions.complaintId }),
    // Its history is its aggregate's events (in the complaint's organization).
    events: r.many.events({
      from: [r.complaints.id, r.complaints.orgId],
      to: [r.events.aggregateId, r.events.orgId],
      where: { aggregateType: 'complaint' },
    }),
  },
  slaClocks: {
    complaint: r.one.complaints({ from: r.slaClocks.complaintId, to: r.complaints.id, optional: false }),
  },
  // The agent a staff mutation named (actorAgentId); the actor columns keep the API key.
  events: {
    actingAgent: r.one.agents({ from: r.events.actingAgentId, to: r.agents.id }),
    // The complaint a complaint event belongs to (Customer.timeline's ComplaintEvent); null for other aggregates' events.
    complaint: r.one.complaints({ from: [r.events.aggregateId, r.events.orgId], to: [r.complaints.id, r.complaints.orgId] }),
  },
  complaintRecoveryActions: {
    complaint: r.one.complaints({ from: r.complaintRecoveryActions.complaintId, to: r.complaints.id, optional: false }),
    agent: r.one.agents({ from: r.complaintRecoveryActions.agentId, to: r.agents.id }),
  },
  touchpoints: {
    customer: r.one.customers({ from: r.touchpoints.customerId, to: r.customers.id, optional: false }),
    agent: r.one.agents({ from: r.touchpoints.agentId, to: r.agents.id }),
    team: r.one.teams({ from: r.touchpoints.teamId, to: r.teams.id }),
    complaint: r.one.complaints({ from: r.touchpoints.complaintId, to: r.complaints.id }),
    feedback: r.one.feedback({ from: r.touchpoints.feedbackId, to: r.feedback.id }),
    purchase: r.one.purchases({ from: r.touchpoints.purchaseId, to: r.purchases.id }),
    planOccurrence: r.one.carePlanOccurrences({ from: r.touchpoints.planOccurrenceId, to: r.carePlanOccurrences.id }),
  },
  carePlans: {
    assigneeAgent: r.one.agents({ from: r.carePlans.assigneeAgentId, to: r.agents.id }),
    assigneeTeam: r.one.teams({ from: r.carePlans.assigneeTeamId, to: r.teams.id }),
    occurrences: r.many.carePlanOccurrences({ from: [r.carePlans.id, r.carePlans.orgId], to: [r.carePlanOccurrences.planId, r.carePlanOccurrences.orgId] }),
  },
  carePlanOccurrences: {
    plan: r.one.carePlans({ from: r.carePlanOccurrences.planId, to: r.carePlans.id, optional: false }),
    customer: r.one.customers({ from: r.carePlanOccurrences.customerId, to: r.customers.id, optional: false }),
    touchpoint: r.one.touchpoints({ from: r.carePlanOccurrences.touchpointId, to: r.touchpoints.id }),
  },
  complaintMessages: {
    complaint: r.one.complaints({ from: r.complaintMessages.complaintId, to: r.complaints.id, optional: false }),
    agent: r.one.agents({ from: r.complaintMessages.agentId, to: r.agents.id }),
  },
}));

export type Relations = typeof relations;
