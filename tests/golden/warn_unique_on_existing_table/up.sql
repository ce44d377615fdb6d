-- add constraint users_nickname_key to users
ALTER TABLE "public"."users" ADD CONSTRAINT "users_nickname_key" UNIQUE ("nickname");
