import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { carePlanOccurrences, touchpoints } from '../../db/tables/index.ts';
import type { Executor } from '../../db/transaction.ts';
import { emit } from '../../events/emit.ts';
import type { Tenant } from '../../tenant/tenant.ts';
import type { CarePlanDefinition } from '../engine/types.ts';
import { renderMessage } from '../engine/messages.ts';
import type { CancelReason, Decision, SchedulerFacts } from './types.ts';

/**
 * Records decisions once each. The occurrence rows go in with ON CONFLICT (org, plan, customer,
 * key) DO NOTHING, and only the rows that statement actually inserted get a touchpoint (and an
 * event): a second run, or a second instance running at the same moment, inserts nothing and so
 * creates nothing. Everything happens in the caller's transaction.
 *
 * AFTER_COMPLAINT_CLOSED plans take over the complaint's follow-up: closing a complaint sets its
 * followUpDueAt (the org's followUpDays later), and such a plan's occurrence falls then (or N days
 * after closing), links the complaint (complaint_id), and IS the follow-up the complaint asks for:
 * nothing else schedules one.
 */
export async function recordDecisions(
  tx: Executor,
  tenant: Tenant,
  plan: CarePlanDefinition,
  decisions: Decision[],
  factsOf: Map<string, SchedulerFacts>,
): Promise<{ scheduled: Decision[]; skipped: Decision[] }> {
  if (!decisions.length) return { scheduled: [], skipped: [] };
  const now = tenant.clock.now().toISOString();
  const ids = decisions.map(() => randomUUID());
  const inserted = await tx
    .insert(carePlanOccurrences)
    .values(
      decisions.map((d, i) => ({
        id: ids[i]!,
        orgId: plan.orgId,
        planId: plan.id,
        customerId: d.customerId,
        occurrenceKey: d.occurrence.key,
        dueAt: d.occurrence.dueAt.toISOString(),
        status: d.outcome === 'schedule' ? ('scheduled' as const) : ('skipped' as const),
        reason: d.outcome === 'skip' ? d.reason : null,
        late: d.outcome === 'schedule' && d.late,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .onConflictDoNothing({ target: [carePlanOccurrences.orgId, carePlanOccurrences.planId, carePlanOccurrences.customerId, carePlanOccurrences.occurrenceKey] })
    .returning({ id: carePlanOccurrences.id });
  const won = new Set(inserted.map((r) => r.id));
  const scheduled: { decision: Decision; occurrenceId: string; touchpointId: string }[] = [];
  const skipped: Decision[] = [];
  for (const [i, d] of decisions.entries()) {
    if (!won.has(ids[i]!)) continue;
    if (d.outcome === 'schedule') scheduled.push({ decision: d, occurrenceId: ids[i]!, touchpointId: randomUUID() });
    else {
      skipped.push(d);
      await emit(tx, tenant, {
        type: 'touchpoint.skipped',
        aggregateId: ids[i]!,
        payload: {
          customerId: d.customerId,
          planId: plan.id,
          occurrenceId: ids[i]!,
          occurrenceKey: d.occurrence.key,
          dueAt: d.occurrence.dueAt.toISOString(),
          reason: d.reason,
        },
      });
    }
  }
  if (scheduled.length) {
    const { action } = plan;
    await tx.insert(touchpoints).values(
      scheduled.map(({ decision: d, occurrenceId, touchpointId }) => {
        const facts = factsOf.get(d.customerId)!;
        const ctx = d.occurrence.context;
        // The message is rendered once, now, in the customer's locale: what the company's systems deliver.
        const message = action.automated
          ? renderMessage(action.templates, facts.locale, { name: facts.name, product: ctx.product, date: ctx.localDate })
          : null;
        return {
          id: touchpointId,
          orgId: plan.orgId,
          customerId: d.customerId,
          channel: action.channel,
          direction: 'outbound' as const,
          stage: action.stage,
          kind: action.kind,
          status: 'scheduled' as const,
          scheduledFor: d.occurrence.dueAt.toISOString(),
          recordedAt: now,
          agentId: plan.assigneeAgentId,
          teamId: plan.assigneeTeamId,
          automated: action.automated,
          message: message?.text ?? null,
          messageLocale: message?.locale ?? null,
          complaintId: ctx.complaintId ?? null,
          purchaseId: ctx.purchaseId ?? null,
          planOccurrenceId: occurrenceId,
          late: d.outcome === 'schedule' && d.late,
          createdAt: now,
          updatedAt: now,
        };
      }),
    );
    await tx.execute(sql`
      update care_plan_occurrences o set touchpoint_id = t.id
      from touchpoints t
      where t.org_id = ${plan.orgId} and t.plan_occurrence_id = o.id and o.org_id = ${plan.orgId}
        and o.id = any(array[${sql.join(
          scheduled.map((s) => sql`${s.occurrenceId}`),
          sql`, `,
        )}]::uuid[])`);
    for (const { decision: d, occurrenceId, touchpointId } of scheduled) {
      await emit(tx, tenant, {
        type: 'touchpoint.scheduled',
        aggregateId: touchpointId,
        payload: {
          status: 'scheduled',
          customerId: d.customerId,
          channel: action.channel,
          kind: action.kind,
          scheduledFor: d.occurrence.dueAt.toISOString(),
          agentId: plan.assigneeAgentId,
          teamId: plan.assigneeTeamId,
          automated: action.automated,
          planOccurrenceId: occurrenceId,
          planId: plan.id,
          late: d.outcome === 'schedule' && d.late,
        },
      });
    }
  }
  return { scheduled: scheduled.map((s) => s.decision), skipped };
}

/** A scheduled occurrence an exit takes out, with the touchpoint it created. */
export interface Cancellation {
  occurrenceId: string;
  customerId: string;
  planId: string;
  touchpointId: string | null;
  reason: CancelReason;
}

/**
 * Cancels scheduled occurrences and their still-scheduled touchpoints, keeping the reason on both
 * (and on the event). A touchpoint already done or missed is history and stays; its occurrence
 * is left as it was.
 */
export async function cancelOccurrences(tx: Executor, tenant: Tenant, cancellations: Cancellation[]): Promise<Cancellation[]> {
  if (!cancellations.length) return [];
  const now = tenant.clock.now().toISOString();
  const done: Cancellation[] = [];
  for (const c of cancellations) {
    const [occurrence] = await tx
      .update(carePlanOccurrences)
      .set({ status: 'cancelled', reason: c.reason, updatedAt: now })
      .where(and(eq(carePlanOccurrences.orgId, tenant.orgId), eq(carePlanOccurrences.id, c.occurrenceId), eq(carePlanOccurrences.status, 'scheduled')))
      .returning({ id: carePlanOccurrences.id });
    if (!occurrence) continue;
    done.push(c);
    if (!c.touchpointId) continue;
    const [touchpoint] = await tx
      .update(touchpoints)
      .set({ status: 'cancelled', cancelReason: c.reason, cancelledAt: now, updatedAt: now })
      .where(and(eq(touchpoints.orgId, tenant.orgId), eq(touchpoints.id, c.touchpointId), eq(touchpoints.status, 'scheduled')))
      .returning({ id: touchpoints.id, kind: touchpoints.kind });
    if (touchpoint) {
      await emit(tx, tenant, {
        type: 'touchpoint.cancelled',
        aggregateId: c.touchpointId,
        payload: { status: 'cancelled', from: 'scheduled', customerId: c.customerId, kind: touchpoint.kind, exit: c.reason, planOccurrenceId: c.occurrenceId },
      });
    }
  }
  return done;
}

/**
 * The customer's occurrences still waiting on a scheduled touchpoint (every plan), for merge
 * and erasure, which cancel them all with one reason.
 */
export async function pendingOccurrencesOf(tx: Executor, orgId: string, customerIds: string[]): Promise<Omit<Cancellation, 'reason'>[]> {
  if (!customerIds.length) return [];
  const rows = await tx
    .select({ occurrenceId: carePlanOccurrences.id, customerId: carePlanOccurrences.customerId, planId: carePlanOccurrences.planId, touchpointId: carePlanOccurrences.touchpointId })
    .from(carePlanOccurrences)
    .innerJoin(touchpoints, and(eq(touchpoints.id, carePlanOccurrences.touchpointId), eq(touchpoints.status, 'scheduled')))
    .where(and(eq(carePlanOccurrences.orgId, orgId), inArray(carePlanOccurrences.customerId, customerIds), eq(carePlanOccurrences.status, 'scheduled')));
  return rows;
}

