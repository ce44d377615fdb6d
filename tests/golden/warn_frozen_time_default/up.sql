-- create table visits
CREATE TABLE "public"."visits" (
  "id" bigint NOT NULL,
  "day" date NOT NULL DEFAULT 'today',
  "due" date DEFAULT 'tomorrow'::date,
  CONSTRAINT "visits_pkey" PRIMARY KEY ("id")
);
-- create table scratch
CREATE TABLE "public"."scratch" (
  "at" timestamptz DEFAULT 'now',
  "d" date DEFAULT CURRENT_DATE
);
-- set default of scratch.d
ALTER TABLE "public"."scratch" ALTER COLUMN "d" SET DEFAULT 'yesterday';
-- drop table scratch
DROP TABLE "public"."scratch";
