-- add constraint users_email_key to users
ALTER TABLE "public"."users" ADD CONSTRAINT "users_email_key" UNIQUE ("email");
