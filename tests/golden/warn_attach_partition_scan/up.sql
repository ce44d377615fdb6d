-- attach partition events_2024 to events
ALTER TABLE "public"."events" ATTACH PARTITION "public"."events_2024" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- attach partition events_2025 to events
ALTER TABLE "public"."events" ATTACH PARTITION "public"."events_2025" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- attach partition kinds_a to kinds
ALTER TABLE "public"."kinds" ATTACH PARTITION "public"."kinds_a" FOR VALUES IN ('a', 'b');
