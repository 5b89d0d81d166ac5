import type { Executor } from '../../db/transaction.ts';
import type { Tenant } from '../../tenant/tenant.ts';
import { applyTrigger } from './clocks.service.ts';

/**
 * What a lifecycle change means for a complaint's SLA clocks. The lifecycle calls
 * `applySlaTrigger` once per change, in the change's transaction, after the complaint row is
 * updated (so severity and status are the new ones):
 * - `staff_public_reply`: a customer-visible note; fulfils first response and a running next reply.
 * - `info_requested`: as a public reply, and pauses resolution (AWAITING_CUSTOMER keeps its time).
 * - `customer_replied`: resumes resolution if paused; starts next reply unless one is running.
 * - `resolved`: fulfils first response and resolution; cancels next reply.
 * - `reopened`: resumes resolution with the time already used (total resolution).
 * - `closed`: cancels whatever still runs.
 * - `retarget`: severity or the customer's tier changed; targets re-matched, time used kept.
 * Filing starts first response and resolution itself (the filing statement).
 */
export type SlaTrigger =
  | 'staff_public_reply'
  | 'info_requested'
  | 'customer_replied'
  | 'resolved'
  | 'reopened'
  | 'closed'
  | 'retarget';

/** What the engine's own events (retargeted, a late breach, escalated) record besides the tenant's actor. */
export interface SlaTriggerOptions {
  /** The agent whose change this is (events.acting_agent_id), as the lifecycle's own events record it. */
  actingAgentId?: string | null;
}

export async function applySlaTrigger(
  tx: Executor,
  tenant: Tenant,
  complaintId: string,
  trigger: SlaTrigger,
  options: SlaTriggerOptions = {},
): Promise<void> {
  await applyTrigger(tx, tenant, complaintId, trigger, undefined, options.actingAgentId ?? null);
}
