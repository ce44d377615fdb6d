-- create type address
CREATE TYPE "public"."address" AS ("street" text, "city" text, "zip" varchar(10));
-- create type feeling
CREATE TYPE "public"."feeling" AS ("m" "public"."mood", "since" timestamptz, "notes" text[]);
-- create type nested
CREATE TYPE "public"."nested" AS ("home" "public"."address", "work" "public"."address", "ids" bigint[]);
-- create table people
CREATE TABLE "public"."people" (
  "id" bigint NOT NULL,
  "home" "public"."address",
  "history" "public"."address"[],
  "f" "public"."feeling" NOT NULL,
  CONSTRAINT "people_pkey" PRIMARY KEY ("id")
);
