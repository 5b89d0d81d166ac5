/**
 * The contract between care plans (what a plan says, validated by care-plans.input.ts), the
 * occurrence engine (pure: which occurrences a plan has for one customer, engine/occurrences.ts)
 * and the scheduler (which loads customers' facts in batches, applies exits, quiet rules and the
 * fatigue cap, and writes occurrences and touchpoints once). Times are instants (Date); local
 * dates are ISO `YYYY-MM-DD` strings in the customer's time zone.
 */
import type {
  carePlanTriggerTypes,
  customerTiers,
  lifecycleStages,
  touchpointChannels,
  touchpointKinds,
  touchpointStages,
} from '../../db/tables/index.ts';

export type CarePlanTriggerType = (typeof carePlanTriggerTypes)[number];

export type CarePlanTrigger =
  | { type: 'birthday' }
  /** A fixed month and day every year, or a holiday of the org's holiday list (by key). */
  | { type: 'annual_date'; month: number; day: number; holiday?: undefined }
  | { type: 'annual_date'; holiday: string; month?: undefined; day?: undefined }
  /** N days after each purchase (of one product when `product` is set). */
  | { type: 'after_purchase'; days: number; product?: string }
  /** N days after a complaint closes; without `days`, at the complaint's `followUpDueAt`. */
  | { type: 'after_complaint_closed'; days?: number }
  /** Every N days per customer, on a fixed schedule from `startsOn` or N days after the last completed touchpoint. */
  | { type: 'every'; days: number; anchor: 'fixed'; startsOn: string }
  | { type: 'every'; days: number; anchor: 'last_completed' }
  /** N days without any non-automated touchpoint (done). */
  | { type: 'silence'; days: number };

/** An empty list means "any". A customer must match every non-empty list (and one value within each). */
export interface CarePlanAudience {
  tiers: (typeof customerTiers)[number][];
  lifecycleStages: (typeof lifecycleStages)[number][];
  /** The customer has at least one of these tags. */
  tags: string[];
  specialNeeds: string[];
  /** The customer has given feedback or filed a complaint on one of these sites. */
  siteIds: string[];
}

export interface CarePlanAction {
  channel: (typeof touchpointChannels)[number];
  kind: (typeof touchpointKinds)[number];
  stage: (typeof touchpointStages)[number] | null;
  /** Sent by the company's systems without a person (the touchpoint carries the rendered message). */
  automated: boolean;
  /** Locale (BCP 47, e.g. `en`, `zh-CN`) → template with `{name}`, `{product}`, `{date}` placeholders. */
  templates: Record<string, string>;
  /** How long before it is due the touchpoint is created (so it shows in agendas), in seconds. */
  leadTimeSeconds: number;
  /** Local wall time HH:MM at which a date-based occurrence falls (default 09:00), in the customer's zone. */
  localTime: string;
}

export interface CarePlanQuietRules {
  /** ISO weekdays (1 = Monday … 7 = Sunday) on which an occurrence may fall; empty = any. A date on another day moves to the next allowed day. */
  weekdays: number[];
  /** Skip (reason `recently_contacted`) when the customer had a non-automated touchpoint within this many days; 0 = off. */
  minDaysSinceContact: number;
}

/** Which exits apply; all default to true. Erased and merged customers always exit. */
export interface CarePlanExits {
  /** SILENCE plans: the customer made contact after the occurrence was scheduled. */
  onContact: boolean;
  /** A complaint of theirs is open. */
  onOpenComplaint: boolean;
  /** Tier, stage, tags, needs or sites left the audience. */
  onAudienceLeft: boolean;
}

/** A plan as the engine and the scheduler see it (the row with its jsonb parts parsed). */
export interface CarePlanDefinition {
  id: string;
  orgId: string;
  name: string;
  active: boolean;
  trigger: CarePlanTrigger;
  audience: CarePlanAudience;
  action: CarePlanAction;
  quietRules: CarePlanQuietRules;
  exits: CarePlanExits;
  assigneeAgentId: string | null;
  assigneeTeamId: string | null;
  maxLatenessSeconds: number;
  createdAt: string;
}

/** A holiday of the org's list: a fixed month/day, or explicit dates per year (lunar holidays). */
export type Holiday =
  | { key: string; name: string; month: number; day: number }
  | { key: string; name: string; dates: string[] };

/** Org-wide care settings (organizations.care_settings with defaults applied). */
export interface CareSettings {
  /** IANA zone for customers without their own (organizations.time_zone). */
  timeZone: string;
  /** At most `maxTouchpoints` planned touchpoints per customer in any `perDays` days, across plans. Default 2 per 7. */
  fatigueCap: { maxTouchpoints: number; perDays: number };
  holidays: Holiday[];
}

/** What the engine needs to know of one customer; loaded by the scheduler in batches. */
export interface CustomerFacts {
  id: string;
  name: string | null;
  locale: string | null;
  /** The customer's zone, else the org's: already resolved. */
  timeZone: string;
  birthday: string | null;
  createdAt: string;
  purchases: { id: string; product: string; purchasedAt: string }[];
  closedComplaints: { id: string; closedAt: string; followUpDueAt: string | null }[];
  /** The last done, non-automated touchpoint (either direction). */
  lastContactAt: string | null;
  /** The last done touchpoint of any kind that this plan created (for EVERY anchored on last_completed). */
  lastCompletedAt: string | null;
}

/** One occurrence of a plan for a customer. `key` is stable across runs: it is the unique key's last part. */
export interface Occurrence {
  key: string;
  dueAt: Date;
  /** Placeholder values for the message (`product`, `date`…) and the link to what caused it. */
  context: {
    product?: string;
    purchaseId?: string;
    complaintId?: string;
    /** The holiday's name (ANNUAL_DATE by holiday key). */
    holiday?: string;
    /** The local date it falls on (after a quiet-weekday move). */
    localDate: string;
    /** The local date the trigger named, when a quiet weekday moved it (the key names this one). */
    movedFrom?: string;
  };
}
