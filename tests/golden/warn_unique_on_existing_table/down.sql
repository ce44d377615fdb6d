-- drop constraint users_nickname_key from users
ALTER TABLE "public"."users" DROP CONSTRAINT "users_nickname_key";
