import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { InvalidCustomerToken, verifyCustomerToken } from '../auth/customer-token.ts';
import { customerIdentities, customers } from '../db/tables/index.ts';
import type { Executor } from '../db/transaction.ts';
import { ValidationError } from '../shared/errors.ts';
import { described } from '../shared/validate.ts';
import type { SiteTenant } from '../tenant/tenant.ts';
import { emit } from '../events/emit.ts';

/** Limits on public (internet-facing) text. */
export const publicLimits = { subject: 500, url: 2048, id: 200, reference: 40, comment: 5000, description: 10_000 } as const;

const optionalText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .transform((s) => s.trim() || undefined)
    .nullish();

export const submissionContext = described(
  z
    .object({
      pageUrl: described(optionalText(publicLimits.url), `The page the widget was on, at most ${publicLimits.url} characters.`),
      subject: described(
        optionalText(publicLimits.subject),
        `What the page is about, e.g. article:<id>; at most ${publicLimits.subject} characters.`,
      ),
      agentId: described(
        optionalText(publicLimits.id),
        `The agent who helped, as the company names them; at most ${publicLimits.id} characters.`,
      ),
      touchpointId: described(
        optionalText(publicLimits.id),
        `The touchpoint that asked for the feedback; at most ${publicLimits.id} characters.`,
      ),
      complaintReference: described(
        optionalText(publicLimits.reference),
        `The reference of the complaint the submission is about; at most ${publicLimits.reference} characters.`,
      ),
    })
    .transform((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v != null))),
  'Where a submission came from. Every field is optional; a blank one counts as absent.',
  { title: 'SubmissionContextInput' },
);

/** Fields every public submission carries. */
export const submissionEnvelope = {
  idempotencyKey: described(
    z.uuid({ error: 'must be a UUID made by the client' }).transform((s) => s.toLowerCase()),
    'A UUID made by the widget; a retry with the same key returns the first receipt.',
  ),
  customerToken: described(
    z.string().max(4096).nullish(),
    "A JWT (HS256) signed with the site's identity secret naming the customer; absent means anonymous.",
  ),
  context: described(submissionContext.nullish(), 'Where the widget was.'),
  locale: described(
    z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, 'must be a language tag such as en or zh-CN')
      .nullish(),
    'The language the widget showed, e.g. zh-CN.',
  ),
};

/**
 * The customer a submission belongs to: none without a token; with a valid token the customer
 * with that externalId, created as a stub if the org does not know them yet. An invalid token
 * is a ValidationError on `customerToken`, never a silent downgrade to anonymous.
 */
export async function customerForToken(
  tx: Executor,
  tenant: SiteTenant,
  token: string | null | undefined,
  path: (string | number)[] = ['input', 'customerToken'],
): Promise<string | null> {
  if (!token) return null;
  const { site } = tenant;
  const now = tenant.clock.now();
  let claims;
  try {
    claims = await verifyCustomerToken(token, site.identitySecret, now);
  } catch (error) {
    if (error instanceof InvalidCustomerToken) throw ValidationError.single(path, error.message);
    throw error;
  }
  const orgId = site.orgId;
  const existing = await findByExternalId(tx, orgId, claims.externalId);
  if (existing) return existing;
  const [created] = await tx
    .insert(customers)
    .values({ orgId, externalId: claims.externalId, name: claims.name ?? null, createdAt: now.toISOString(), updatedAt: now.toISOString() })
    .onConflictDoNothing()
    .returning({ id: customers.id });
  if (!created) return (await findByExternalId(tx, orgId, claims.externalId))!;
  // The stub is a new customer like any other: its event, by the site, in the submission's transaction.
  const fields = claims.name ? ['externalId', 'name'] : ['externalId'];
  await emit(tx, tenant, { type: 'customer.created', aggregateId: created.id, payload: { fields } });
  const email = claims.email?.toLowerCase();
  if (email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    // Signed by the company, so the email is verified; skipped if another customer holds it.
    await tx
      .insert(customerIdentities)
      .values({ orgId, customerId: created.id, channel: 'email', value: email, verified: true, createdAt: now.toISOString() })
      .onConflictDoNothing();
  }
  return created.id;
}

async function findByExternalId(tx: Executor, orgId: string, externalId: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.externalId, externalId)))
    .limit(1);
  return row?.id;
}
