-- drop constraint nickname_not_null from users
ALTER TABLE "public"."users" DROP CONSTRAINT "nickname_not_null";
