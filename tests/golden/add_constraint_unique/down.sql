-- drop constraint users_email_key from users
ALTER TABLE "public"."users" DROP CONSTRAINT "users_email_key";
