-- add column score to users
ALTER TABLE "public"."users" ADD COLUMN "score" integer, ADD CONSTRAINT "users_score_check" CHECK ("score" >= 0);
