-- add column org_id to users; add constraint users_org_id_fkey to users
ALTER TABLE "public"."users" ADD COLUMN "org_id" bigint, ADD CONSTRAINT "users_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id");
