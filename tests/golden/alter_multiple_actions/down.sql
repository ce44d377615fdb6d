-- rename column years of users to age
ALTER TABLE "public"."users" RENAME COLUMN "years" TO "age";
-- add column nickname to users
ALTER TABLE "public"."users" ADD COLUMN "nickname" text;
-- drop column a from users
ALTER TABLE "public"."users" DROP COLUMN "a";
