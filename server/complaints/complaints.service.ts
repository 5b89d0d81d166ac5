import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { perDatabase } from '../db/per-database.ts';
import { complaints, complaintStatuses, customers, events, slaClocks, type SubmissionContext } from '../db/tables/index.ts';
import { submissionEventFrom } from '../events/first-event.ts';
import type { Executor } from '../db/transaction.ts';
import { payloadHash, replayOrConflict } from '../intake/idempotency.ts';
import { customerForToken } from '../intake/submission.ts';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { parseInput } from '../shared/validate.ts';
import { fillTrackingPageUrl } from '../sites/sites.input.ts';
import type { SiteRow } from '../sites/sites.service.ts';
import type { SiteTenant } from '../tenant/tenant.ts';
import {
  decoyCodes,
  hashTrackingToken,
  legacyTrackingTokenFor,
  normalizeReference,
  randomReference,
  trackingTokenFor,
  trackingTokenMatches,
} from './complaint-codes.ts';
import { fileComplaintInput, MIN_ELAPSED_MS, type FileComplaintInput } from './complaints.input.ts';
import { statusViewOf, trackedComplaint, type ComplaintStatusView } from './lifecycle/public-view.ts';
import { filingClocks, filingClocksFrom, type FilingClocks } from './sla/filing.ts';
import { settingsFor } from './sla/settings.service.ts';

export type ComplaintStatusValue = (typeof complaintStatuses)[number];
export type ComplaintRow = typeof complaints.$inferSelect;

export interface FiledComplaint {
  reference: string;
  trackingToken: string;
  /** The site's tracking page filled in for this complaint; null when the site has none. */
  trackingUrl: string | null;
  status: ComplaintStatusValue;
  createdAt: string;
}

/** The receipt: what was filed, and the link to the site's tracking page for it. */
const receipt = (site: SiteRow, filed: Omit<FiledComplaint, 'trackingUrl'>): FiledComplaint => ({
  ...filed,
  trackingUrl: fillTrackingPageUrl(site.trackingPageUrl, filed.reference, filed.trackingToken),
});

/** Swappable so a test can force a reference collision; production always draws at random. */
export const referenceSource = { next: randomReference };
const REFERENCE_ATTEMPTS = 5;

/**
 * Files a complaint from a widget. The complaint and its first event (complaint.filed, public)
 * are written by one statement; with a customer token, the customer lookup (or stub) shares a
 * transaction with it, so a bad token or a failed insert leaves nothing behind.
 */
export async function fileComplaint(tenant: SiteTenant, raw: unknown): Promise<FiledComplaint> {
  const input = parseInput(fileComplaintInput, raw, ['input']);
  const { db, site } = tenant;
  const at = tenant.clock.now().toISOString();
  // Honeypot: people never see the `website` field, so a value means a bot. It gets a receipt
  // that looks real (status NEW, a well-formed reference and token) and nothing is stored:
  // a bot told "refused" would learn to leave the field empty. Checked after validation, so a
  // bot sees exactly what a person sending the same fields would see, and before the time
  // check and the customer token, so the honeypot alone decides.
  if (input.website) return receipt(site, { ...decoyCodes(site.identitySecret, input.idempotencyKey), status: 'new', createdAt: at });
  if (input.elapsedMs < MIN_ELAPSED_MS) {
    throw ValidationError.single(
      ['input', 'elapsedMs'],
      'the form was sent too quickly: please take a moment to describe what happened, then send it again',
    );
  }
  // SLA clocks start at filing: due times come from the organization's settings (cached) and,
  // with a customer, their tier.
  const settings = await settingsFor(db, tenant);
  if (!input.customerToken) {
    return insertOrReplay(db, site, input, null, preparedInsert(db), at, filingClocks(settings, null, new Date(at)));
  }
  return db.transaction(async (tx) => {
    const customerId = await customerForToken(tx, tenant, input.customerToken);
    const [customer] = customerId
      ? await tx
          .select({ tier: customers.tier })
          .from(customers)
          .where(and(eq(customers.orgId, site.orgId), eq(customers.id, customerId)))
      : [];
    const clocks = filingClocks(settings, customer?.tier ?? null, new Date(at));
    return insertOrReplay(tx, site, input, customerId, insertStatement(tx), at, clocks);
  });
}

/**
 * One statement: the complaint (ON CONFLICT DO NOTHING, which covers both the idempotency key
 * and the reference) and, only if it was inserted, its complaint.filed event (public: the first
 * entry of the customer's timeline) and its first-response and resolution SLA clocks (due times
 * computed in JS, server/complaints/sla/filing.ts). Every value is a placeholder, so the plan is
 * made once per connection.
 */
function insertStatement(db: Executor) {
  const p = (name: string) => sql.placeholder(name);
  const inserted = db.$with('inserted').as(
    db
      .insert(complaints)
      .values({
        id: p('id'),
        orgId: p('orgId'),
        siteId: p('siteId'),
        reference: p('reference'),
        trackingTokenHash: p('trackingTokenHash'),
        category: p('category'),
        description: p('description'),
        desiredOutcome: p('desiredOutcome'),
        contact: p('contact'),
        customerId: p('customerId'),
        context: p('context'),
        locale: p('locale'),
        idempotencyKey: p('idempotencyKey'),
        payloadHash: p('payloadHash'),
        createdAt: p('createdAt'),
        updatedAt: p('createdAt'),
        nextDueAt: p('nextDueAt'),
      })
      .onConflictDoNothing()
      .returning({
        id: complaints.id,
        orgId: complaints.orgId,
        siteId: complaints.siteId,
        customerId: complaints.customerId,
        category: complaints.category,
        createdAt: complaints.createdAt,
      }),
  );
  const clocks = db.$with('clocks').as(db.insert(slaClocks).select(filingClocksFrom()).returning({ id: slaClocks.id }));
  return db
    .with(inserted, clocks)
    .insert(events)
    .select(
      submissionEventFrom(
        'complaint.filed',
        sql`jsonb_build_object('siteId', i.site_id, 'customerId', i.customer_id, 'category', i.category)`,
      ),
    )
    .returning({ createdAt: events.occurredAt })
    .prepare('file_complaint');
}

type InsertStatement = ReturnType<typeof insertStatement>;

/** A statement prepared on the database runs on the pool only; the token path prepares its own on the transaction. */
const preparedInsert = perDatabase<InsertStatement>(insertStatement);

async function insertOrReplay(
  db: Executor,
  site: SiteRow,
  input: FileComplaintInput,
  customerId: string | null,
  insert: InsertStatement,
  createdAt: string,
  clocks: FilingClocks,
): Promise<FiledComplaint> {
  const context: SubmissionContext | null = input.context && Object.keys(input.context).length ? input.context : null;
  // What the complaint says, nulls spelled out so "absent" and "null" hash alike. Not the
  // honeypot or elapsedMs (they differ between a first try and a retry after a reload), and the
  // customer rather than the token (which is re-signed and expires).
  const payload = {
    category: input.category,
    description: input.description,
    desiredOutcome: input.desiredOutcome ?? null,
    contact: input.contact ?? null,
    customerId,
    context,
    locale: input.locale ?? null,
  };
  const hash = payloadHash(payload);
  for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
    const id = randomUUID();
    const reference = referenceSource.next();
    const trackingToken = trackingTokenFor(site.identitySecret, id, input.idempotencyKey);
    const [created] = await insert.execute({
      ...payload,
      ...clocks,
      id,
      orgId: site.orgId,
      siteId: site.id,
      reference,
      trackingTokenHash: hashTrackingToken(trackingToken),
      idempotencyKey: input.idempotencyKey,
      payloadHash: hash,
      createdAt,
    });
    if (created) return receipt(site, { reference, trackingToken, status: 'new', createdAt: created.createdAt });
    // ON CONFLICT waited for a concurrent first writer to commit, so its row is visible here.
    const existing = await findByIdempotencyKey(db, site, input.idempotencyKey);
    if (existing) return replay(site, replayOrConflict(existing, hash), input.idempotencyKey);
    // No row holds the key, so the conflict was the reference (about 1 in 10^11 per complaint
    // already filed): draw another.
  }
  throw new Error(`no free complaint reference after ${REFERENCE_ATTEMPTS} attempts`);
}

function findByIdempotencyKey(db: Executor, site: SiteRow, idempotencyKey: string) {
  return db
    .select({
      id: complaints.id,
      reference: complaints.reference,
      trackingTokenHash: complaints.trackingTokenHash,
      status: complaints.status,
      createdAt: complaints.createdAt,
      payloadHash: complaints.payloadHash,
    })
    .from(complaints)
    .where(and(eq(complaints.orgId, site.orgId), eq(complaints.siteId, site.id), eq(complaints.idempotencyKey, idempotencyKey)))
    .limit(1)
    .then((rows) => rows[0]);
}

/**
 * A retry of the same filing: the same reference and, derived again, the same code. The
 * status is the complaint's current one. If the site's identity secret was rotated since, the
 * token can no longer be derived, and a token that does not work is worse than a clear error.
 */
function replay(
  site: SiteRow,
  existing: NonNullable<Awaited<ReturnType<typeof findByIdempotencyKey>>>,
  idempotencyKey: string,
): FiledComplaint {
  // A complaint filed before the 16-character codes keeps the 43-character token it was given.
  const trackingToken = [trackingTokenFor, legacyTrackingTokenFor]
    .map((derive) => derive(site.identitySecret, existing.id, idempotencyKey))
    .find((token) => trackingTokenMatches(token, existing.trackingTokenHash));
  if (!trackingToken) {
    throw new ConflictError(
      `This complaint was already filed as ${existing.reference}; its tracking token cannot be shown again since the site's keys were rotated`,
      'idempotencyKey',
    );
  }
  return receipt(site, { reference: existing.reference, trackingToken, status: existing.status, createdAt: existing.createdAt });
}

export type { ComplaintStatusView } from './lifecycle/public-view.ts';

const REFERENCE_INPUT_MAX = 64;
const TOKEN_INPUT_MAX = 256;

/**
 * What the customer may see of their complaint, given its reference and tracking token. An
 * unknown reference, a complaint of another organization and a wrong token are one and the
 * same NotFoundError, and cost the same hash comparison, so a guess learns nothing.
 */
export async function complaintStatus(
  { db, site }: SiteTenant,
  reference: string,
  trackingToken: string,
): Promise<ComplaintStatusView> {
  if (reference.length > REFERENCE_INPUT_MAX) throw ValidationError.single(['reference'], `must be at most ${REFERENCE_INPUT_MAX} characters`);
  if (trackingToken.length > TOKEN_INPUT_MAX) throw ValidationError.single(['trackingToken'], `must be at most ${TOKEN_INPUT_MAX} characters`);
  const normalized = normalizeReference(reference);
  const row = normalized ? await trackedComplaint(db, site.orgId, { reference: normalized }) : undefined;
  if (!trackingTokenMatches(trackingToken, row?.trackingTokenHash) || !row) throw new NotFoundError('Complaint');
  return statusViewOf(row);
}
