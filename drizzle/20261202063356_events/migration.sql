CREATE TYPE "event_visibility" AS ENUM('internal', 'public');--> statement-breakpoint
CREATE TABLE "event_sequences" (
	"org_id" uuid,
	"aggregate_type" text,
	"aggregate_id" uuid,
	"last_sequence" integer NOT NULL,
	CONSTRAINT "event_sequences_pkey" PRIMARY KEY("org_id","aggregate_type","aggregate_id")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"type" text NOT NULL,
	"aggregate_type" text NOT NULL,
	"aggregate_id" uuid NOT NULL,
	"sequence" integer NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"visibility" "event_visibility" NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "events_org_aggregate_sequence_key" ON "events" ("org_id","aggregate_type","aggregate_id","sequence");--> statement-breakpoint
CREATE INDEX "events_org_occurred_idx" ON "events" ("org_id","occurred_at","id");--> statement-breakpoint
ALTER TABLE "event_sequences" ADD CONSTRAINT "event_sequences_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;