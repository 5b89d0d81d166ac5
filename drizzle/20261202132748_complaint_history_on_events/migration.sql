-- A complaint's history moves onto the events table (aggregate 'complaint'): each old row becomes
-- an event in its old order, 'filed' becoming complaint.filed with the catalogue's payload.
-- The actor of a moved event is unknown, so it is recorded as the system's migration.
INSERT INTO "events" ("org_id", "type", "aggregate_type", "aggregate_id", "sequence", "occurred_at", "actor_type", "actor_id", "payload", "visibility")
SELECT ce."org_id",
	'complaint.' || ce."type",
	'complaint',
	ce."complaint_id",
	row_number() OVER (PARTITION BY ce."org_id", ce."complaint_id" ORDER BY ce."created_at", ce."id")::integer,
	ce."created_at",
	CASE WHEN ce."type" = 'filed' THEN 'site' ELSE 'system' END,
	CASE WHEN ce."type" = 'filed' THEN c."site_id"::text ELSE 'migration' END,
	CASE WHEN ce."type" = 'filed'
		THEN jsonb_build_object('siteId', c."site_id", 'customerId', c."customer_id", 'category', c."category")
		ELSE ce."data" END,
	CASE WHEN ce."public" THEN 'public'::"event_visibility" ELSE 'internal'::"event_visibility" END
FROM "complaint_events" ce
JOIN "complaints" c ON c."id" = ce."complaint_id";--> statement-breakpoint
DROP TABLE "complaint_events";
