CREATE TABLE "complaint_customer_requests" (
	"org_id" uuid,
	"complaint_id" uuid,
	"idempotency_key" uuid,
	"payload_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "complaint_customer_requests_pkey" PRIMARY KEY("org_id","complaint_id","idempotency_key")
);
--> statement-breakpoint
ALTER TABLE "complaint_customer_requests" ADD CONSTRAINT "complaint_customer_requests_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "complaint_customer_requests" ADD CONSTRAINT "complaint_customer_requests_complaint_id_complaints_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "complaints"("id") ON DELETE CASCADE;