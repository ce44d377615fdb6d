-- drop column team_id from users
ALTER TABLE "public"."users" DROP COLUMN "team_id";
