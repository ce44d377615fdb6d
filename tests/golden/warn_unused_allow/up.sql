-- add column x to users
ALTER TABLE "public"."users" ADD COLUMN "x" integer;
