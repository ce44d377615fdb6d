-- create table t
CREATE SEQUENCE "public"."t_id_seq" AS integer;
-- create table t
CREATE TABLE "public"."t" (
  "id" integer NOT NULL DEFAULT nextval('"public"."t_id_seq"'::regclass),
  "v" text,
  CONSTRAINT "t_pkey" PRIMARY KEY ("id")
);
-- create table t
ALTER SEQUENCE "public"."t_id_seq" OWNED BY "public"."t"."id";
-- create index t_v_idx on t
CREATE INDEX "t_v_idx" ON "public"."t" ("v");
