import { and, asc, eq, isNull } from 'drizzle-orm';
import { complaints, customers, slaClocks } from '../../db/tables/index.ts';
import type { Executor } from '../../db/transaction.ts';
import { emit } from '../../events/emit.ts';
import type { Tenant } from '../../tenant/tenant.ts';
import { businessSecondsBetween, type BusinessCalendar } from './calendar.ts';
import { dueTimes, targetSeconds, type ComplaintSettings, type Severity, type SlaMetric, type Tier } from './policy.ts';
import { settingsFor } from './settings.service.ts';
import type { SlaTrigger } from './triggers.ts';

export type ClockRow = typeof slaClocks.$inferSelect;

const iso = (d: Date) => d.toISOString();
const isOpen = (c: ClockRow) => c.fulfilledAt === null && c.cancelledAt === null;

/**
 * The clocks of one complaint as one change sees them: moves on rows in memory, then writes the
 * rows it touched. Every instant is the tenant's clock; business seconds come from the calendar.
 */
class ClockSet {
  readonly touched = new Set<ClockRow>();
  readonly created: ClockRow[] = [];
  /** Clocks found late at their end that no watcher run has marked yet. */
  readonly lateBreaches: ClockRow[] = [];

  constructor(
    readonly clocks: ClockRow[],
    readonly calendar: BusinessCalendar,
    readonly now: Date,
    readonly complaint: { id: string; orgId: string },
  ) {}

  open(metric: SlaMetric): ClockRow | undefined {
    return this.clocks.find((c) => c.metric === metric && isOpen(c));
  }

  /** Counts the business time since it last (re)started into `used`. */
  private settle(c: ClockRow): void {
    if (c.runningSince === null) return;
    c.usedBusinessSeconds += businessSecondsBetween(this.calendar, new Date(c.runningSince), this.now);
    c.runningSince = iso(this.now);
  }

  private schedule(c: ClockRow): void {
    const { dueAt, warnAt } = dueTimes(this.calendar, new Date(c.runningSince!), c.usedBusinessSeconds, c.targetBusinessSeconds);
    c.dueAt = iso(dueAt);
    c.warnAt = iso(warnAt);
  }

  start(metric: SlaMetric, target: number): ClockRow {
    const at = iso(this.now);
    const c: ClockRow = {
      id: crypto.randomUUID(),
      orgId: this.complaint.orgId,
      complaintId: this.complaint.id,
      metric,
      status: 'active',
      targetBusinessSeconds: target,
      usedBusinessSeconds: 0,
      startedAt: at,
      runningSince: at,
      dueAt: null,
      warnAt: null,
      pausedAt: null,
      warnedAt: null,
      breachedAt: null,
      fulfilledAt: null,
      cancelledAt: null,
    };
    this.schedule(c);
    this.clocks.push(c);
    this.created.push(c);
    return c;
  }

  pause(c: ClockRow | undefined): void {
    if (!c || c.runningSince === null) return;
    this.noteLate(c);
    this.settle(c);
    c.runningSince = null;
    c.pausedAt = iso(this.now);
    c.dueAt = null;
    c.warnAt = null;
    if (c.status === 'active') c.status = 'paused';
    this.touched.add(c);
  }

  resume(c: ClockRow | undefined): void {
    if (!c || c.runningSince !== null) return;
    c.runningSince = iso(this.now);
    c.pausedAt = null;
    c.fulfilledAt = null;
    c.cancelledAt = null;
    c.status = c.breachedAt ? 'breached' : 'active';
    this.schedule(c);
    this.touched.add(c);
  }

  finish(c: ClockRow | undefined, how: 'fulfilled' | 'cancelled'): void {
    if (!c || !isOpen(c)) return;
    this.noteLate(c);
    this.settle(c);
    c.runningSince = null;
    c.warnAt = null;
    c.pausedAt = null;
    if (how === 'fulfilled') c.fulfilledAt = iso(this.now);
    else c.cancelledAt = iso(this.now);
    c.status = c.breachedAt ? 'breached' : how;
    this.touched.add(c);
  }

  /** New targets, the time used kept: a running clock is due from now for what is left. */
  retarget(c: ClockRow, target: number): { metric: SlaMetric; fromSeconds: number; toSeconds: number } | undefined {
    if (!isOpen(c)) return undefined;
    const change =
      c.targetBusinessSeconds === target ? undefined : { metric: c.metric, fromSeconds: c.targetBusinessSeconds, toSeconds: target };
    // Rescheduled even with the same target: a policy change may have changed the calendar.
    if (!change && c.runningSince === null) return undefined;
    this.noteLate(c);
    this.settle(c);
    c.targetBusinessSeconds = target;
    if (c.runningSince !== null) this.schedule(c);
    this.touched.add(c);
    return change;
  }

  /** A running clock past its due time that the watcher has not marked yet: breached at its due time. */
  private noteLate(c: ClockRow): void {
    if (c.breachedAt || c.runningSince === null || c.dueAt === null || Date.parse(c.dueAt) > this.now.getTime()) return;
    c.breachedAt = c.dueAt;
    c.status = 'breached';
    this.lateBreaches.push(c);
  }

  /** The earliest due time of the clocks still running: complaints.next_due_at. */
  nextDueAt(): string | null {
    let next: string | null = null;
    for (const c of this.clocks) {
      if (isOpen(c) && c.runningSince !== null && c.dueAt !== null && (next === null || Date.parse(c.dueAt) < Date.parse(next))) next = c.dueAt;
    }
    return next;
  }
}

interface ComplaintFacts {
  id: string;
  orgId: string;
  status: string;
  severity: Severity;
  tier: Tier | null;
  nextDueAt: string | null;
}

async function complaintFacts(tx: Executor, orgId: string, complaintId: string): Promise<ComplaintFacts | undefined> {
  const [row] = await tx
    .select({
      id: complaints.id,
      orgId: complaints.orgId,
      status: complaints.status,
      severity: complaints.severity,
      tier: customers.tier,
      nextDueAt: complaints.nextDueAt,
    })
    .from(complaints)
    .leftJoin(customers, and(eq(customers.id, complaints.customerId), eq(customers.orgId, complaints.orgId)))
    .where(and(eq(complaints.orgId, orgId), eq(complaints.id, complaintId)))
    .limit(1);
  return row;
}

/**
 * The clocks a change may move: the open ones, and for a reopen the latest resolution clock even
 * when it was fulfilled (total resolution continues it). Locked for the change's transaction,
 * so the watcher (SKIP LOCKED) and a concurrent change wait or pass over them.
 */
function clocksOf(tx: Executor, orgId: string, complaintId: string) {
  return tx
    .select()
    .from(slaClocks)
    .where(and(eq(slaClocks.orgId, orgId), eq(slaClocks.complaintId, complaintId)))
    .orderBy(asc(slaClocks.startedAt), asc(slaClocks.metric))
    .for('update');
}

const FINAL = new Set(['resolved', 'closed']);

export async function applyTrigger(
  tx: Executor,
  tenant: Tenant,
  complaintId: string,
  trigger: SlaTrigger,
  given?: ComplaintSettings,
  actingAgentId: string | null = null,
): Promise<void> {
  const facts = await complaintFacts(tx, tenant.orgId, complaintId);
  if (!facts) return;
  const settings = given ?? (await settingsFor(tx, tenant));
  const set = new ClockSet(await clocksOf(tx, tenant.orgId, complaintId), settings.calendar, tenant.clock.now(), facts);
  const target = (metric: SlaMetric) => targetSeconds(settings, facts.severity, facts.tier, metric);
  const publicReply = () => {
    set.finish(set.open('first_response'), 'fulfilled');
    set.finish(set.open('next_reply'), 'fulfilled');
  };
  const changes: { metric: SlaMetric; fromSeconds: number; toSeconds: number }[] = [];
  switch (trigger) {
    case 'staff_public_reply':
      publicReply();
      break;
    case 'info_requested':
      publicReply();
      set.pause(set.open('resolution'));
      break;
    case 'customer_replied':
      // After RESOLVED or CLOSED a customer's words ("thanks") start nothing and wake nothing.
      if (FINAL.has(facts.status)) break;
      set.resume(set.open('resolution'));
      // Started at the oldest unanswered reply: a running one was started by it and keeps going.
      if (!set.open('next_reply')) set.start('next_reply', target('next_reply'));
      break;
    case 'resolved':
      set.finish(set.open('first_response'), 'fulfilled');
      set.finish(set.open('resolution'), 'fulfilled');
      set.finish(set.open('next_reply'), 'cancelled');
      break;
    case 'reopened': {
      const resolution = set.clocks.filter((c) => c.metric === 'resolution').at(-1);
      if (!resolution) set.start('resolution', target('resolution'));
      else set.resume(resolution);
      break;
    }
    case 'closed':
      for (const c of set.clocks) set.finish(c, 'cancelled');
      break;
    case 'retarget':
      for (const c of set.clocks) {
        const change = set.retarget(c, target(c.metric));
        if (change) changes.push(change);
      }
      break;
  }
  await write(tx, tenant, set, facts, actingAgentId);
  if (changes.length) {
    await emit(tx, tenant, {
      type: 'complaint.sla_retargeted',
      aggregateId: complaintId,
      payload: { severity: facts.severity, tier: facts.tier, clocks: changes },
      actingAgentId,
    });
  }
}

async function write(tx: Executor, tenant: Tenant, set: ClockSet, facts: ComplaintFacts, actingAgentId: string | null): Promise<void> {
  if (set.created.length) await tx.insert(slaClocks).values(set.created);
  for (const c of set.touched) {
    if (set.created.includes(c)) continue;
    const { id, orgId, complaintId: _complaint, metric: _metric, startedAt: _started, ...changed } = c;
    await tx
      .update(slaClocks)
      .set(changed)
      .where(and(eq(slaClocks.orgId, orgId), eq(slaClocks.id, id)));
  }
  const next = set.nextDueAt();
  if (next !== facts.nextDueAt && !(next && facts.nextDueAt && Date.parse(next) === Date.parse(facts.nextDueAt))) {
    await tx
      .update(complaints)
      .set({ nextDueAt: next })
      .where(and(eq(complaints.orgId, facts.orgId), eq(complaints.id, facts.id)));
  }
  for (const c of set.lateBreaches) await breached(tx, tenant, c, actingAgentId);
}

/** The breach of one clock, recorded once (the caller set breachedAt in the same transaction): the event and the escalation. */
export async function breached(
  tx: Executor,
  tenant: Tenant,
  c: Pick<ClockRow, 'id' | 'complaintId' | 'metric' | 'dueAt' | 'breachedAt'>,
  actingAgentId: string | null = null,
): Promise<void> {
  await emit(tx, tenant, {
    type: 'complaint.sla_breached',
    aggregateId: c.complaintId,
    payload: { clockId: c.id, metric: c.metric, dueAt: new Date(c.breachedAt ?? c.dueAt!).toISOString() },
    actingAgentId,
  });
  const at = tenant.clock.now().toISOString();
  const [escalated] = await tx
    .update(complaints)
    .set({ escalated: true, escalatedAt: at, updatedAt: at })
    .where(and(eq(complaints.orgId, tenant.orgId), eq(complaints.id, c.complaintId), eq(complaints.escalated, false)))
    .returning({ id: complaints.id });
  if (escalated) {
    await emit(tx, tenant, { type: 'complaint.escalated', aggregateId: c.complaintId, payload: { reasons: ['sla_breached'] }, actingAgentId });
  }
}

/**
 * A policy change: every complaint of the organization with a clock still open gets its targets
 * re-matched (time used kept, an event each). One complaint at a time, in the caller's transaction.
 */
export async function retargetOpenClocks(tx: Executor, tenant: Tenant, settings: ComplaintSettings): Promise<number> {
  const rows = await tx
    .selectDistinct({ complaintId: slaClocks.complaintId })
    .from(slaClocks)
    .where(and(eq(slaClocks.orgId, tenant.orgId), isNull(slaClocks.fulfilledAt), isNull(slaClocks.cancelledAt)));
  for (const { complaintId } of rows) await applyTrigger(tx, tenant, complaintId, 'retarget', settings);
  return rows.length;
}


/** A customer's tier changed: their complaints' open clocks get their targets re-matched (time used kept). */
export async function retargetCustomerComplaints(tx: Executor, tenant: Tenant, customerId: string): Promise<number> {
  const rows = await tx
    .selectDistinct({ complaintId: slaClocks.complaintId })
    .from(slaClocks)
    .innerJoin(complaints, and(eq(complaints.orgId, slaClocks.orgId), eq(complaints.id, slaClocks.complaintId)))
    .where(
      and(eq(slaClocks.orgId, tenant.orgId), eq(complaints.customerId, customerId), isNull(slaClocks.fulfilledAt), isNull(slaClocks.cancelledAt)),
    );
  for (const { complaintId } of rows) await applyTrigger(tx, tenant, complaintId, 'retarget');
  return rows.length;
}
