-- drop column n from users
ALTER TABLE "public"."users" DROP COLUMN "n";
