-- detach partition kinds_a from kinds
ALTER TABLE "public"."kinds" DETACH PARTITION "public"."kinds_a";
-- detach partition events_2025 from events
ALTER TABLE "public"."events" DETACH PARTITION "public"."events_2025";
-- detach partition events_2024 from events
ALTER TABLE "public"."events" DETACH PARTITION "public"."events_2024";
