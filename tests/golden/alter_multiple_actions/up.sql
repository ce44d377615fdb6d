-- add column a to users
ALTER TABLE "public"."users" ADD COLUMN "a" integer;
-- drop column nickname from users
ALTER TABLE "public"."users" DROP COLUMN "nickname";
-- rename column age of users to years
ALTER TABLE "public"."users" RENAME COLUMN "age" TO "years";
