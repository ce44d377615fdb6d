-- detach partition events_2024 from events
ALTER TABLE "public"."events" DETACH PARTITION "public"."events_2024";
-- attach partition events_2026 to events
ALTER TABLE "public"."events" ATTACH PARTITION "public"."events_2026" FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
-- add column source to events; add constraint source_known to events
ALTER TABLE "public"."events" ADD COLUMN "source" text, ADD CONSTRAINT "source_known" CHECK ("source" IN ('web', 'api'));
-- rename column kind of events to category
ALTER TABLE "public"."events" RENAME COLUMN "kind" TO "category";
-- create index events_source_idx on events
CREATE INDEX "events_source_idx" ON "public"."events" ("source");
-- drop table events_2025
DROP TABLE "public"."events_2025";
-- add column note to events_2024
ALTER TABLE "public"."events_2024" ADD COLUMN "note" text;
-- drop table logs_1
DROP TABLE "public"."logs_1";
-- drop table logs
DROP TABLE "public"."logs";
