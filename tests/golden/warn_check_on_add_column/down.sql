-- drop column score from users
ALTER TABLE "public"."users" DROP COLUMN "score";
