-- drop view after_rename
DROP VIEW "public"."after_rename";
-- rename column title of orgs to name
ALTER TABLE "public"."orgs" RENAME COLUMN "title" TO "name";
-- rename column happened_at of events to at
ALTER TABLE "public"."events" RENAME COLUMN "happened_at" TO "at";
-- rename column mail of users to email
ALTER TABLE "public"."users" RENAME COLUMN "mail" TO "email";
