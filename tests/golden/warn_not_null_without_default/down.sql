-- drop column code from users
ALTER TABLE "public"."users" DROP COLUMN "code";
