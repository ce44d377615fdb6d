-- rename table users to people
ALTER TABLE "public"."users" RENAME TO "people";
-- rename table events to happenings
ALTER TABLE "public"."events" RENAME TO "happenings";
-- create view after_rename
CREATE VIEW "public"."after_rename" AS
SELECT "plain"."email", "plain"."id" FROM "public"."plain";
