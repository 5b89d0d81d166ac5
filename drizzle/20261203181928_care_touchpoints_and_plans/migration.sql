CREATE TYPE "touchpoint_channel" AS ENUM('phone', 'sms', 'email', 'wechat', 'qq', 'web', 'widget', 'in_person', 'onsite_visit', 'call_center', 'mail', 'other');--> statement-breakpoint
CREATE TYPE "touchpoint_direction" AS ENUM('inbound', 'outbound');--> statement-breakpoint
CREATE TYPE "touchpoint_kind" AS ENUM('follow_up', 'greeting_birthday', 'greeting_holiday', 'service_visit', 'consultation', 'offer', 'complaint_contact', 'survey', 'other');--> statement-breakpoint
CREATE TYPE "touchpoint_sentiment" AS ENUM('positive', 'neutral', 'negative');--> statement-breakpoint
CREATE TYPE "touchpoint_stage" AS ENUM('pre_sale', 'in_sale', 'after_sale');--> statement-breakpoint
CREATE TYPE "touchpoint_status" AS ENUM('scheduled', 'done', 'missed', 'cancelled');--> statement-breakpoint
CREATE TYPE "care_plan_occurrence_status" AS ENUM('scheduled', 'skipped', 'cancelled');--> statement-breakpoint
CREATE TYPE "care_plan_trigger_type" AS ENUM('birthday', 'annual_date', 'after_purchase', 'after_complaint_closed', 'every', 'silence');--> statement-breakpoint
CREATE TABLE "touchpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"channel" "touchpoint_channel" NOT NULL,
	"direction" "touchpoint_direction" NOT NULL,
	"stage" "touchpoint_stage",
	"kind" "touchpoint_kind" NOT NULL,
	"status" "touchpoint_status" NOT NULL,
	"scheduled_for" timestamp with time zone,
	"occurred_at" timestamp with time zone,
	"recorded_at" timestamp with time zone NOT NULL,
	"duration_seconds" integer,
	"agent_id" uuid,
	"team_id" uuid,
	"summary" text,
	"outcome" text,
	"sentiment" "touchpoint_sentiment",
	"is_peak" boolean DEFAULT false NOT NULL,
	"is_end" boolean DEFAULT false NOT NULL,
	"automated" boolean DEFAULT false NOT NULL,
	"message" text,
	"message_locale" text,
	"complaint_id" uuid,
	"feedback_id" uuid,
	"purchase_id" uuid,
	"plan_occurrence_id" uuid,
	"late" boolean DEFAULT false NOT NULL,
	"cancel_reason" text,
	"completed_at" timestamp with time zone,
	"missed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "care_plan_occurrences" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"occurrence_key" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" "care_plan_occurrence_status" NOT NULL,
	"reason" text,
	"late" boolean DEFAULT false NOT NULL,
	"touchpoint_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "care_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"trigger_type" "care_plan_trigger_type" NOT NULL,
	"trigger" jsonb NOT NULL,
	"audience" jsonb NOT NULL,
	"action" jsonb NOT NULL,
	"quiet_rules" jsonb NOT NULL,
	"exits" jsonb NOT NULL,
	"assignee_agent_id" uuid,
	"assignee_team_id" uuid,
	"max_lateness_seconds" integer DEFAULT 86400 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "care_settings" jsonb;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "contact_channels" text[];--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "care_opted_out_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "touchpoints_org_created_idx" ON "touchpoints" ("org_id","created_at","id");--> statement-breakpoint
CREATE INDEX "touchpoints_org_customer_idx" ON "touchpoints" ("org_id","customer_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "touchpoints_org_scheduled_idx" ON "touchpoints" ("org_id","scheduled_for","id") WHERE "status" = 'scheduled';--> statement-breakpoint
CREATE INDEX "touchpoints_org_agent_scheduled_idx" ON "touchpoints" ("org_id","agent_id","scheduled_for","id") WHERE "status" = 'scheduled';--> statement-breakpoint
CREATE INDEX "touchpoints_org_occurrence_idx" ON "touchpoints" ("org_id","plan_occurrence_id");--> statement-breakpoint
CREATE UNIQUE INDEX "care_plan_occurrences_key" ON "care_plan_occurrences" ("org_id","plan_id","customer_id","occurrence_key");--> statement-breakpoint
CREATE INDEX "care_plan_occurrences_org_customer_idx" ON "care_plan_occurrences" ("org_id","customer_id","due_at");--> statement-breakpoint
CREATE INDEX "care_plan_occurrences_org_plan_idx" ON "care_plan_occurrences" ("org_id","plan_id","due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "care_plans_org_name_key" ON "care_plans" ("org_id","name");--> statement-breakpoint
CREATE INDEX "care_plans_org_created_idx" ON "care_plans" ("org_id","created_at","id");--> statement-breakpoint
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_customer_id_customers_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_agent_id_agents_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_team_id_teams_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_complaint_id_complaints_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "complaints"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_feedback_id_feedback_id_fkey" FOREIGN KEY ("feedback_id") REFERENCES "feedback"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_purchase_id_purchases_id_fkey" FOREIGN KEY ("purchase_id") REFERENCES "purchases"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "care_plan_occurrences" ADD CONSTRAINT "care_plan_occurrences_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "care_plan_occurrences" ADD CONSTRAINT "care_plan_occurrences_plan_id_care_plans_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "care_plans"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "care_plan_occurrences" ADD CONSTRAINT "care_plan_occurrences_customer_id_customers_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "care_plan_occurrences" ADD CONSTRAINT "care_plan_occurrences_touchpoint_id_touchpoints_id_fkey" FOREIGN KEY ("touchpoint_id") REFERENCES "touchpoints"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "care_plans" ADD CONSTRAINT "care_plans_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "care_plans" ADD CONSTRAINT "care_plans_assignee_agent_id_agents_id_fkey" FOREIGN KEY ("assignee_agent_id") REFERENCES "agents"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "care_plans" ADD CONSTRAINT "care_plans_assignee_team_id_teams_id_fkey" FOREIGN KEY ("assignee_team_id") REFERENCES "teams"("id") ON DELETE SET NULL;