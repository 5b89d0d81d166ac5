CREATE TYPE "customer_tier" AS ENUM('A', 'B', 'C');--> statement-breakpoint
CREATE TYPE "identity_channel" AS ENUM('email', 'phone', 'sms', 'wechat', 'qq', 'web', 'external');--> statement-breakpoint
CREATE TYPE "lifecycle_stage" AS ENUM('prospect', 'undecided', 'active', 'dissatisfied', 'lapsed', 'competitor_customer');--> statement-breakpoint
CREATE TYPE "tier_source" AS ENUM('manual', 'computed');--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"channel" "identity_channel" NOT NULL,
	"value" text NOT NULL,
	"verified" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"external_id" text,
	"name" text,
	"email" text,
	"phone" text,
	"birthday" date,
	"locale" text,
	"gender" text,
	"tier" "customer_tier",
	"tier_source" "tier_source",
	"lifecycle_stage" "lifecycle_stage" DEFAULT 'prospect'::"lifecycle_stage" NOT NULL,
	"special_needs" text[] DEFAULT '{}'::text[] NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"attributes" jsonb DEFAULT '{}' NOT NULL,
	"erased_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "purchases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"product" text NOT NULL,
	"purchased_at" timestamp with time zone NOT NULL,
	"reason" text,
	"promises" text[] DEFAULT '{}'::text[] NOT NULL,
	"value" numeric(14,2) DEFAULT '0' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys" ("key_hash");--> statement-breakpoint
CREATE INDEX "api_keys_org_created_idx" ON "api_keys" ("org_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations" ("slug");--> statement-breakpoint
CREATE UNIQUE INDEX "customer_identities_org_channel_value_key" ON "customer_identities" ("org_id","channel","value");--> statement-breakpoint
CREATE INDEX "customer_identities_org_customer_idx" ON "customer_identities" ("org_id","customer_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "customers_org_external_id_key" ON "customers" ("org_id","external_id");--> statement-breakpoint
CREATE INDEX "customers_org_created_idx" ON "customers" ("org_id","created_at","id");--> statement-breakpoint
CREATE INDEX "customers_org_tier_idx" ON "customers" ("org_id","tier");--> statement-breakpoint
CREATE INDEX "customers_org_stage_idx" ON "customers" ("org_id","lifecycle_stage");--> statement-breakpoint
CREATE INDEX "purchases_org_customer_idx" ON "purchases" ("org_id","customer_id","purchased_at");--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "customer_identities" ADD CONSTRAINT "customer_identities_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "customer_identities" ADD CONSTRAINT "customer_identities_customer_id_customers_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "purchases" ADD CONSTRAINT "purchases_org_id_organizations_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "purchases" ADD CONSTRAINT "purchases_customer_id_customers_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE;