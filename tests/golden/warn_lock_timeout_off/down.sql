-- drop column bio from users
ALTER TABLE "public"."users" DROP COLUMN "bio";
