-- add constraint users_age_check1 to users
ALTER TABLE "public"."users" ADD CONSTRAINT "users_age_check1" CHECK ("age" < 200);
