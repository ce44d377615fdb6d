-- create table events
CREATE TABLE "public"."events" (
  "id" bigint NOT NULL,
  "at" timestamptz NOT NULL DEFAULT now(),
  "org_id" bigint,
  "kind" text NOT NULL,
  "code" text,
  CONSTRAINT "events_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id"),
  CONSTRAINT "events_kind_check" CHECK ("kind" <> ''),
  CONSTRAINT "events_pkey" PRIMARY KEY ("id", "at"),
  CONSTRAINT "events_code_at_key" UNIQUE ("code", "at")
) PARTITION BY RANGE ("at");
-- create index events_kind_idx on events
CREATE INDEX "events_kind_idx" ON "public"."events" ("kind");
-- create table events_2025
CREATE TABLE "public"."events_2025" PARTITION OF "public"."events" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- create table events_old
CREATE TABLE "public"."events_old" PARTITION OF "public"."events" FOR VALUES FROM (MINVALUE) TO ('2025-01-01');
-- create table events_default
CREATE TABLE "public"."events_default" PARTITION OF "public"."events" DEFAULT;
-- create index events_2025_code_idx on events_2025
CREATE INDEX "events_2025_code_idx" ON "public"."events_2025" ("code");
-- create table tags
CREATE TABLE "public"."tags" (
  "id" bigint,
  "name" text NOT NULL
) PARTITION BY LIST (lower("name"));
-- create table tags_ab
CREATE TABLE "public"."tags_ab" PARTITION OF "public"."tags" FOR VALUES IN ('a', 'b') PARTITION BY HASH ("id");
-- create table tags_ab0
CREATE TABLE "public"."tags_ab0" PARTITION OF "public"."tags_ab" FOR VALUES WITH (MODULUS 2, REMAINDER 0);
-- create table tags_ab1
CREATE TABLE "public"."tags_ab1" PARTITION OF "public"."tags_ab" FOR VALUES WITH (MODULUS 2, REMAINDER 1);
