-- drop column token from users
ALTER TABLE "public"."users" DROP COLUMN "token";
