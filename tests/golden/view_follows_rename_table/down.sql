-- drop view after_rename
DROP VIEW "public"."after_rename";
-- rename table happenings to events
ALTER TABLE "public"."happenings" RENAME TO "events";
-- rename table people to users
ALTER TABLE "public"."people" RENAME TO "users";
