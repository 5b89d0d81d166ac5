import { complaintStatuses, type complaints } from '../../db/tables/index.ts';
import type { Executor } from '../../db/transaction.ts';

type Status = (typeof complaintStatuses)[number];

export interface ComplaintTimelineEntryView {
  type: string;
  at: string;
  status: Status | null;
  /** The public text the step carries (a request, an update, the resolution, the customer's words), else null. */
  message: string | null;
}

export interface ComplaintStatusView {
  reference: string;
  status: Status;
  category: (typeof complaints.$inferSelect)['category'];
  createdAt: string;
  updatedAt: string;
  /** The assignee's name (never their email); null while nobody is assigned. */
  agentName: string | null;
  canReply: boolean;
  canConfirm: boolean;
  timeline: ComplaintTimelineEntryView[];
}

/**
 * The complaint as its customer may see it, with its tracking code's hash for the caller to
 * check: one relational read (public events, public messages, the assignee's name).
 */
export async function trackedComplaint(db: Executor, orgId: string, where: { reference: string } | { id: string }) {
  const row = await db.query.complaints.findFirst({
    columns: { id: true, reference: true, trackingTokenHash: true, status: true, category: true, createdAt: true, updatedAt: true },
    where: { orgId, ...where },
    with: {
      events: {
        columns: { type: true, payload: true, occurredAt: true },
        where: { visibility: 'public' },
        orderBy: { sequence: 'asc' },
      },
      messages: { columns: { id: true, body: true }, where: { visibility: 'public' }, orderBy: { position: 'asc' } },
      assignee: { columns: { name: true } },
    },
  });
  return row;
}

type Tracked = NonNullable<Awaited<ReturnType<typeof trackedComplaint>>>;

export function statusViewOf(row: Tracked): ComplaintStatusView {
  const texts = new Map(row.messages.map((m) => [m.id, m.body]));
  return {
    reference: row.reference,
    status: row.status,
    category: row.category,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    agentName: row.assignee?.name ?? null,
    canReply: row.status === 'awaiting_customer',
    canConfirm: row.status === 'resolved',
    timeline: row.events.map((event) => {
      const messageId = event.payload.messageId;
      return {
        type: event.type,
        at: event.occurredAt,
        status: statusAfter(event),
        // Only a public message: an event pointing at an internal one (a staff reopen reason) shows none.
        message: typeof messageId === 'string' ? (texts.get(messageId) ?? null) : null,
      };
    }),
  };
}

/**
 * The status an event left the complaint in, for the customer's timeline: `payload.status` when
 * an event records one (the lifecycle's convention), NEW for the filing itself, else none.
 */
function statusAfter(event: { type: string; payload: Record<string, unknown> }): Status | null {
  const status = event.payload.status;
  if (typeof status === 'string' && (complaintStatuses as readonly string[]).includes(status)) return status as Status;
  return event.type === 'complaint.filed' ? 'new' : null;
}
