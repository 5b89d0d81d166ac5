CREATE TYPE "complainant_type" AS ENUM('passive', 'voicer', 'irate', 'activist');--> statement-breakpoint
CREATE TYPE "complaint_message_author" AS ENUM('agent', 'customer', 'system');--> statement-breakpoint
CREATE TYPE "complaint_message_kind" AS ENUM('note', 'info_request', 'reply', 'resolution', 'reopen_reason', 'confirmation_comment');--> statement-breakpoint
CREATE TYPE "complaint_severity" AS ENUM('low', 'medium', 'high', 'critical');--> statement-breakpoint
CREATE TYPE "sla_clock_status" AS ENUM('active', 'paused', 'fulfilled', 'breached', 'cancelled');--> statement-breakpoint
CREATE TYPE "sla_metric" AS ENUM('first_response', 'next_reply', 'resolution');--> statement-breakpoint
CREATE TABLE "agents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"team_id" uuid,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deactivated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaint_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"complaint_id" uuid NOT NULL,
	"kind" "complaint_message_kind" NOT NULL,
	"author_type" "complaint_message_author" NOT NULL,
	"agent_id" uuid,
	"visibility" "event_visibility" NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_clocks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"complaint_id" uuid NOT NULL,
	"metric" "sla_metric" NOT NULL,
	"status" "sla_clock_status" NOT NULL,
	"target_business_seconds" integer NOT NULL,
	"used_business_seconds" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"running_since" timestamp with time zone,
	"due_at" timestamp with time zone,
	"warn_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"warned_at" timestamp with time zone,
	"breached_at" timestamp with time zone,
	"fulfilled_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "complaint_settings" jsonb;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "severity" "complaint_severity" DEFAULT 'medium'::"complaint_severity" NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "complainant_type" "complainant_type";--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "assignee_id" uuid;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "team_id" uuid;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "escalated" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "transfer_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "reopen_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "assignee_stations" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "first_resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "follow_up_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "next_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "acting_agent_id" uuid;--> statement-breakpoint
-- The lifecycle's second status is "acknowledged" (was "triaged", never written by the API): renamed in place, so any row keeps its meaning.
ALTER TYPE "complaint_status" RENAME VALUE 'triaged' TO 'acknowledged';--> statement-breakpoint
CREATE UNIQUE INDEX "agents_org_email_key" ON "agents" ("org_id","email");--> statement-breakpoint
CREATE INDEX "agents_org_team_idx" ON "agents" ("org_id","team_id");--> statement-breakpoint
CREATE INDEX "agents_org_created_idx" ON "agents" ("org_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "teams_org_name_key" ON "teams" ("org_id","name");--> statement-breakpoint
CREATE INDEX "teams_org_created_idx" ON "teams" ("org_id","created_at","id");--> statement-breakpoint
CREATE INDEX "complaint_messages_org_complaint_idx" ON "complaint_messages" ("org_id","complaint_id","created_at");--> statement-breakpoint
CREATE INDEX "sla_clocks_org_complaint_idx" ON "sla_clocks" ("org_id","complaint_id","metric","started_at");--> statement-breakpoint
CREATE INDEX "sla_clocks_running_due_idx" ON "sla_clocks" ("due_at") WHERE running_since is not null and breached_at is null;--> statement-breakpoint
CREATE INDEX "sla_clocks_running_warn_idx" ON "sla_clocks" ("warn_at") WHERE running_since is not null and warned_at is null;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_team_id_teams_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "complaint_messages" ADD CONSTRAINT "complaint_messages_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "complaint_messages" ADD CONSTRAINT "complaint_messages_complaint_id_complaints_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "complaints"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "complaint_messages" ADD CONSTRAINT "complaint_messages_agent_id_agents_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_assignee_id_agents_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "agents"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_team_id_teams_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD CONSTRAINT "sla_clocks_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD CONSTRAINT "sla_clocks_complaint_id_complaints_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "complaints"("id") ON DELETE CASCADE;