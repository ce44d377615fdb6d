-- add column age to users; add constraint users_age_check to users; add constraint users_age_email to users
ALTER TABLE "public"."users" ADD COLUMN "age" integer DEFAULT 0, ADD CONSTRAINT "users_age_check" CHECK ("age" >= 0), ADD CONSTRAINT "users_age_email" UNIQUE ("age", "email");
