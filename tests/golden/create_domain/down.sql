-- drop index people_lower_idx
DROP INDEX "public"."people_lower_idx";
-- drop table people
DROP TABLE "public"."people";
-- drop domain zip_code
DROP DOMAIN "public"."zip_code";
-- drop domain short_text
DROP DOMAIN "public"."short_text";
-- drop domain positive_int
DROP DOMAIN "public"."positive_int";
-- drop domain email
DROP DOMAIN "public"."email";
