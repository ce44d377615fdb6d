-- add column a to users; drop column nickname from users
ALTER TABLE "public"."users" ADD COLUMN "a" integer, DROP COLUMN "nickname";
-- rename column age of users to years
ALTER TABLE "public"."users" RENAME COLUMN "age" TO "years";
