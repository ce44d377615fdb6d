-- add column code to users
ALTER TABLE "public"."users" ADD COLUMN "code" text NOT NULL;
