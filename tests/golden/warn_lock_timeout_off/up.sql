-- add column bio to users
ALTER TABLE "public"."users" ADD COLUMN "bio" text;
