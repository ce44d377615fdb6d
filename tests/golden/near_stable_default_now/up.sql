-- add column seen_at to users
ALTER TABLE "public"."users" ADD COLUMN "seen_at" timestamptz DEFAULT now();
