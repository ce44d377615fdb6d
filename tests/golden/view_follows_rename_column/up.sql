-- rename column email of users to mail
ALTER TABLE "public"."users" RENAME COLUMN "email" TO "mail";
-- rename column at of events to happened_at
ALTER TABLE "public"."events" RENAME COLUMN "at" TO "happened_at";
-- rename column name of orgs to title
ALTER TABLE "public"."orgs" RENAME COLUMN "name" TO "title";
-- create view after_rename
CREATE VIEW "public"."after_rename" AS
SELECT "active_users"."email", "active_users"."org" FROM "public"."active_users";
