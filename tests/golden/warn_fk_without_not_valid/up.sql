-- add column team_id to users
ALTER TABLE "public"."users" ADD COLUMN "team_id" bigint, ADD CONSTRAINT "users_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "public"."teams" ("id");
