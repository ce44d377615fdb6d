-- create schema billing
CREATE SCHEMA "billing";
-- drop schema app
DROP SCHEMA "app";
-- create index users_lower_email_idx on users
CREATE INDEX "users_lower_email_idx" ON "public"."users" (lower("email"));
-- drop index users_email_idx
DROP INDEX "public"."users_email_idx";
-- add column nick to users
ALTER TABLE "public"."users" ADD COLUMN "nick" text;
-- drop column legacy from users
ALTER TABLE "public"."users" DROP COLUMN "legacy";
-- drop constraint email_len from users
ALTER TABLE "public"."users" DROP CONSTRAINT "email_len";
-- add column note to old_things
ALTER TABLE "public"."old_things" ADD COLUMN "note" text;
-- rename table old_things to older_things
ALTER TABLE "public"."old_things" RENAME TO "older_things";
-- drop enum mood
DROP TYPE "public"."mood";
-- add constraint users_email_len to users
ALTER TABLE "public"."users" ADD CONSTRAINT "users_email_len" CHECK (length("email") < 400);
