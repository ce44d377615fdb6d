-- attach partition events_2024 to events
ALTER TABLE "public"."events" ATTACH PARTITION "public"."events_2024" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- attach partition events_2024 to events
ALTER TABLE "public"."events_2024" DROP CONSTRAINT "events_2024_at_check";
