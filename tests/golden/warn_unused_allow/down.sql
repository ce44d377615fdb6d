-- drop column x from users
ALTER TABLE "public"."users" DROP COLUMN "x";
