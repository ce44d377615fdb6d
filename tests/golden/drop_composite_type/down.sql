-- create type address
CREATE TYPE "public"."address" AS ("street" text, "city" text, "zip" varchar(10));
