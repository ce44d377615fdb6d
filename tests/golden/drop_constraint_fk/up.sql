-- drop constraint users_org_id_fkey from users
ALTER TABLE "public"."users" DROP CONSTRAINT "users_org_id_fkey";
