-- drop column org_id from users
ALTER TABLE "public"."users" DROP COLUMN "org_id";
