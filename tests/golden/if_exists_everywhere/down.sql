-- drop constraint users_email_len from users
ALTER TABLE "public"."users" DROP CONSTRAINT "users_email_len";
-- create enum mood
CREATE TYPE "public"."mood" AS ENUM ('ok', 'sad');
-- rename table older_things to old_things
ALTER TABLE "public"."older_things" RENAME TO "old_things";
-- drop column note from old_things
ALTER TABLE "public"."old_things" DROP COLUMN "note";
-- add constraint email_len to users
ALTER TABLE "public"."users" ADD CONSTRAINT "email_len" CHECK (length("email") < 300);
-- add column legacy to users
ALTER TABLE "public"."users" ADD COLUMN "legacy" text;
-- drop column nick from users
ALTER TABLE "public"."users" DROP COLUMN "nick";
-- create index users_email_idx on users
CREATE INDEX "users_email_idx" ON "public"."users" ("email");
-- drop index users_lower_email_idx
DROP INDEX "public"."users_lower_email_idx";
-- create schema app
CREATE SCHEMA "app";
-- drop schema billing
DROP SCHEMA "billing";
