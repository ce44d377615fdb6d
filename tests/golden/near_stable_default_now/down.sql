-- drop column seen_at from users
ALTER TABLE "public"."users" DROP COLUMN "seen_at";
