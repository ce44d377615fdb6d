-- add constraint users_age_check to users
ALTER TABLE "public"."users" ADD CONSTRAINT "users_age_check" CHECK ("age" >= 0);
