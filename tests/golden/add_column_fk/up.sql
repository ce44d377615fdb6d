-- add column manager_id to users
ALTER TABLE "public"."users" ADD COLUMN "manager_id" bigint, ADD CONSTRAINT "users_manager_id_fkey" FOREIGN KEY ("manager_id") REFERENCES "public"."users" ("id") NOT VALID;
