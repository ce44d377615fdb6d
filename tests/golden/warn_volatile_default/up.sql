-- add column token to users
ALTER TABLE "public"."users" ADD COLUMN "token" uuid DEFAULT gen_random_uuid();
