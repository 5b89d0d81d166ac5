CREATE TYPE "survey_kind" AS ENUM('csat', 'nps', 'ces', 'custom');--> statement-breakpoint
CREATE TYPE "survey_status" AS ENUM('draft', 'active', 'archived');--> statement-breakpoint
CREATE TYPE "feedback_kind" AS ENUM('survey_response', 'resolution_check');--> statement-breakpoint
CREATE TYPE "unsolved_reason" AS ENUM('not_solved', 'incomplete', 'wrong_answer', 'too_slow', 'other');--> statement-breakpoint
CREATE TYPE "complaint_category" AS ENUM('product_quality', 'packaging', 'defect', 'misuse', 'service_attitude', 'service_process', 'delivery', 'billing', 'other');--> statement-breakpoint
CREATE TYPE "complaint_status" AS ENUM('new', 'triaged', 'in_progress', 'awaiting_customer', 'resolved', 'closed', 'reopened');--> statement-breakpoint
CREATE TABLE "sites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"publishable_key" text NOT NULL,
	"identity_secret" text NOT NULL,
	"allowed_origins" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"keys_rotated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "surveys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"key" text NOT NULL,
	"title" jsonb NOT NULL,
	"status" "survey_status" DEFAULT 'draft'::"survey_status" NOT NULL,
	"kind" "survey_kind" NOT NULL,
	"default_locale" text DEFAULT 'en' NOT NULL,
	"questions" jsonb NOT NULL,
	"thank_you" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"site_id" uuid,
	"kind" "feedback_kind" NOT NULL,
	"survey_id" uuid,
	"customer_id" uuid,
	"subject" text,
	"solved" boolean,
	"reason" "unsolved_reason",
	"comment" text,
	"agent_rating" integer,
	"answers" jsonb,
	"score" real,
	"context" jsonb,
	"locale" text,
	"idempotency_key" uuid,
	"payload_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaint_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"complaint_id" uuid NOT NULL,
	"type" text NOT NULL,
	"public" boolean DEFAULT false NOT NULL,
	"data" jsonb DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"site_id" uuid,
	"reference" text NOT NULL,
	"tracking_token_hash" text NOT NULL,
	"status" "complaint_status" DEFAULT 'new'::"complaint_status" NOT NULL,
	"category" "complaint_category" NOT NULL,
	"description" text NOT NULL,
	"desired_outcome" text,
	"contact" jsonb,
	"customer_id" uuid,
	"context" jsonb,
	"locale" text,
	"idempotency_key" uuid,
	"payload_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "sites_publishable_key_key" ON "sites" ("publishable_key");--> statement-breakpoint
CREATE INDEX "sites_org_created_idx" ON "sites" ("org_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "surveys_org_key_key" ON "surveys" ("org_id","key");--> statement-breakpoint
CREATE INDEX "surveys_org_created_idx" ON "surveys" ("org_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_org_site_idempotency_key" ON "feedback" ("org_id","site_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "feedback_org_created_idx" ON "feedback" ("org_id","created_at","id");--> statement-breakpoint
CREATE INDEX "feedback_org_customer_idx" ON "feedback" ("org_id","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "feedback_org_survey_idx" ON "feedback" ("org_id","survey_id","created_at");--> statement-breakpoint
CREATE INDEX "feedback_org_subject_idx" ON "feedback" ("org_id","subject","created_at");--> statement-breakpoint
CREATE INDEX "complaint_events_org_complaint_idx" ON "complaint_events" ("org_id","complaint_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "complaints_org_reference_key" ON "complaints" ("org_id","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "complaints_org_site_idempotency_key" ON "complaints" ("org_id","site_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "complaints_org_created_idx" ON "complaints" ("org_id","created_at","id");--> statement-breakpoint
CREATE INDEX "complaints_org_customer_idx" ON "complaints" ("org_id","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "complaints_org_status_idx" ON "complaints" ("org_id","status","created_at");--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_site_id_sites_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_survey_id_surveys_id_fkey" FOREIGN KEY ("survey_id") REFERENCES "surveys"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_customer_id_customers_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_complaint_id_complaints_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "complaints"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_site_id_sites_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_customer_id_customers_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE SET NULL;