-- create table t
CREATE TABLE "public"."t" (
  "id" integer NOT NULL,
  CONSTRAINT "t_pkey" PRIMARY KEY ("id")
);
-- create table u
CREATE SEQUENCE "public"."u_id_seq" AS integer;
-- create table u
CREATE TABLE "public"."u" (
  "id" integer NOT NULL DEFAULT nextval('"public"."u_id_seq"'::regclass),
  CONSTRAINT "u_pkey" PRIMARY KEY ("id")
);
-- create table u
ALTER SEQUENCE "public"."u_id_seq" OWNED BY "public"."u"."id";
