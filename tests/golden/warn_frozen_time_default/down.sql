-- create table scratch
CREATE TABLE "public"."scratch" (
  "at" timestamptz DEFAULT 'now',
  "d" date DEFAULT 'yesterday'
);
-- set default of scratch.d
ALTER TABLE "public"."scratch" ALTER COLUMN "d" SET DEFAULT CURRENT_DATE;
-- drop table scratch
DROP TABLE "public"."scratch";
-- drop table visits
DROP TABLE "public"."visits";
