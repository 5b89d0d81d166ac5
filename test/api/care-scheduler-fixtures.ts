/**
 * Rows for the care scheduler's tests, written straight into the tables (plans, customers,
 * purchases, complaints, touchpoints), and readers of what a run recorded.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { TestClock } from '../../server/clock/clock.ts';
import type { Database } from '../../server/db/client.ts';
import { agents, carePlanOccurrences, carePlans, complaints, customers, events, purchases, teams, touchpoints } from '../../server/db/tables/index.ts';
import { runCarePlans } from '../../server/care-plans/scheduler/run.ts';

type Json = Record<string, unknown>;

export interface PlanInput {
  name?: string;
  trigger: Json & { type: (typeof carePlans.$inferInsert)['triggerType'] };
  audience?: Json;
  action?: Json;
  quietRules?: Json;
  exits?: Json;
  maxLatenessSeconds?: number;
  assigneeAgentId?: string | null;
  assigneeTeamId?: string | null;
  active?: boolean;
}

export function schedulerOf(db: Database, clock: TestClock, orgId: string) {
  const now = () => clock.now().toISOString();
  return {
    async plan(input: PlanInput, createdAt = now()): Promise<string> {
      const { type, ...trigger } = input.trigger;
      const [row] = await db
        .insert(carePlans)
        .values({
          orgId,
          name: input.name ?? `plan ${randomUUID().slice(0, 8)}`,
          active: input.active ?? true,
          triggerType: type,
          trigger,
          audience: { tiers: [], lifecycleStages: [], tags: [], specialNeeds: [], siteIds: [], ...input.audience },
          action: {
            channel: 'phone',
            kind: 'follow_up',
            stage: 'after_sale',
            automated: false,
            templates: {},
            leadTimeSeconds: 2 * 86_400,
            localTime: '09:00',
            ...input.action,
          },
          quietRules: { weekdays: [], minDaysSinceContact: 0, ...input.quietRules },
          exits: { onContact: true, onOpenComplaint: true, onAudienceLeft: true, ...input.exits },
          assigneeAgentId: input.assigneeAgentId ?? null,
          assigneeTeamId: input.assigneeTeamId ?? null,
          maxLatenessSeconds: input.maxLatenessSeconds ?? 86_400,
          createdAt,
          updatedAt: createdAt,
        })
        .returning({ id: carePlans.id });
      return row!.id;
    },
    async customer(values: Partial<typeof customers.$inferInsert> = {}): Promise<string> {
      const [row] = await db
        .insert(customers)
        .values({ orgId, name: 'Ada', createdAt: now(), updatedAt: now(), ...values })
        .returning({ id: customers.id });
      return row!.id;
    },
    async purchase(customerId: string, purchasedAt: string, product = 'Kettle'): Promise<string> {
      const [row] = await db.insert(purchases).values({ orgId, customerId, product, purchasedAt, createdAt: now() }).returning({ id: purchases.id });
      return row!.id;
    },
    async complaint(customerId: string, values: Partial<typeof complaints.$inferInsert> = {}): Promise<string> {
      const [row] = await db
        .insert(complaints)
        .values({
          orgId,
          customerId,
          reference: `C-${randomUUID().slice(0, 8)}`,
          trackingTokenHash: randomUUID(),
          category: 'defect',
          description: 'It broke',
          createdAt: now(),
          updatedAt: now(),
          ...values,
        })
        .returning({ id: complaints.id });
      return row!.id;
    },
    /** A done, non-automated contact (a call logged by an agent). */
    async contact(customerId: string, occurredAt: string, values: Partial<typeof touchpoints.$inferInsert> = {}): Promise<string> {
      const [row] = await db
        .insert(touchpoints)
        .values({
          orgId,
          customerId,
          channel: 'phone',
          direction: 'inbound',
          kind: 'consultation',
          status: 'done',
          occurredAt,
          completedAt: occurredAt,
          recordedAt: now(),
          createdAt: now(),
          updatedAt: now(),
          ...values,
        })
        .returning({ id: touchpoints.id });
      return row!.id;
    },
    async team(name = `team ${randomUUID().slice(0, 6)}`): Promise<string> {
      const [row] = await db.insert(teams).values({ orgId, name, createdAt: now(), updatedAt: now() }).returning({ id: teams.id });
      return row!.id;
    },
    async agent(teamId: string | null = null): Promise<string> {
      const [row] = await db
        .insert(agents)
        .values({ orgId, teamId, name: 'Grace', email: `${randomUUID().slice(0, 8)}@example.com`, createdAt: now(), updatedAt: now() })
        .returning({ id: agents.id });
      return row!.id;
    },
    run: () => runCarePlans({ db, clock }, { orgId }),
    async occurrences(filter: { planId?: string; customerId?: string } = {}) {
      return db
        .select()
        .from(carePlanOccurrences)
        .where(
          and(
            eq(carePlanOccurrences.orgId, orgId),
            filter.planId ? eq(carePlanOccurrences.planId, filter.planId) : undefined,
            filter.customerId ? eq(carePlanOccurrences.customerId, filter.customerId) : undefined,
          ),
        )
        .orderBy(asc(carePlanOccurrences.dueAt), asc(carePlanOccurrences.occurrenceKey));
    },
    async touchpoints(customerId?: string) {
      return db
        .select()
        .from(touchpoints)
        .where(and(eq(touchpoints.orgId, orgId), customerId ? eq(touchpoints.customerId, customerId) : undefined))
        .orderBy(asc(touchpoints.scheduledFor), asc(touchpoints.createdAt));
    },
    async events(type: string) {
      return db
        .select()
        .from(events)
        .where(and(eq(events.orgId, orgId), eq(events.type, type)))
        .orderBy(asc(events.occurredAt), asc(events.id));
    },
  };
}

export type Scheduler = ReturnType<typeof schedulerOf>;
