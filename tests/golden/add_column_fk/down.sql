-- drop column manager_id from users
ALTER TABLE "public"."users" DROP COLUMN "manager_id";
