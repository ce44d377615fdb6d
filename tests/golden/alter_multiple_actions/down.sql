-- rename column years of users to age
ALTER TABLE "public"."users" RENAME COLUMN "years" TO "age";
-- add column nickname to users; drop column a from users
ALTER TABLE "public"."users" ADD COLUMN "nickname" text, DROP COLUMN "a";
