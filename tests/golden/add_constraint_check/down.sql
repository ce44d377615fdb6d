-- drop constraint users_age_check1 from users
ALTER TABLE "public"."users" DROP CONSTRAINT "users_age_check1";
