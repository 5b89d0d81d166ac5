CREATE TYPE "recovery_action_type" AS ENUM('apology', 'repair', 'replacement', 'refund', 'compensation', 'gift', 'other');--> statement-breakpoint
CREATE TABLE "complaint_recovery_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"complaint_id" uuid NOT NULL,
	"type" "recovery_action_type" NOT NULL,
	"description" text NOT NULL,
	"value_cents" integer,
	"currency" text,
	"agent_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "complaint_recovery_actions_value_currency" CHECK (("value_cents" is null) = ("currency" is null))
);
--> statement-breakpoint
CREATE INDEX "complaint_recovery_actions_org_complaint_idx" ON "complaint_recovery_actions" ("org_id","complaint_id","created_at");--> statement-breakpoint
ALTER TABLE "complaint_recovery_actions" ADD CONSTRAINT "complaint_recovery_actions_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "complaint_recovery_actions" ADD CONSTRAINT "complaint_recovery_actions_complaint_id_complaints_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "complaints"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "complaint_recovery_actions" ADD CONSTRAINT "complaint_recovery_actions_agent_id_agents_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL;