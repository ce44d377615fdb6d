-- detach partition events_2024 from events
ALTER TABLE "public"."events" DETACH PARTITION "public"."events_2024" CONCURRENTLY;
