-- create table logs
CREATE TABLE "public"."logs" (
  "id" bigint NOT NULL,
  "at" timestamptz NOT NULL,
  CONSTRAINT "logs_pkey" PRIMARY KEY ("id")
) PARTITION BY LIST ("id");
-- create table logs_1
CREATE TABLE "public"."logs_1" PARTITION OF "public"."logs" FOR VALUES IN (1);
-- drop column note from events_2024
ALTER TABLE "public"."events_2024" DROP COLUMN "note";
-- create table events_2025
CREATE TABLE "public"."events_2025" PARTITION OF "public"."events" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- rename index events_2025_category_idx to events_2025_kind_idx
DO $migc$
DECLARE copy regclass;
BEGIN
  SELECT i.inhrelid::regclass INTO copy FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid
   WHERE i.inhparent = '"public"."events_kind_idx"'::regclass
     AND x.indrelid = '"public"."events_2025"'::regclass;
  IF copy IS NOT NULL AND (SELECT relname FROM pg_class WHERE oid = copy) <> 'events_2025_kind_idx' THEN
    EXECUTE format('ALTER INDEX %s RENAME TO %I', copy, 'events_2025_kind_idx');
  END IF;
END
$migc$;
-- drop index events_source_idx
DROP INDEX "public"."events_source_idx";
-- rename column category of events to kind
ALTER TABLE "public"."events" RENAME COLUMN "category" TO "kind";
-- drop constraint source_known from events; drop column source from events
ALTER TABLE "public"."events" DROP CONSTRAINT "source_known", DROP COLUMN "source";
-- detach partition events_2026 from events
ALTER TABLE "public"."events" DETACH PARTITION "public"."events_2026";
-- detach partition events_2026 from events
ALTER TABLE "public"."events_2026" DROP CONSTRAINT "events_2026_pkey";
-- detach partition events_2026 from events
DROP INDEX "public"."events_2026_kind_idx";
-- attach partition events_2024 to events
ALTER TABLE "public"."events" ATTACH PARTITION "public"."events_2024" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
