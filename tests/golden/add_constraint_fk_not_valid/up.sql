-- add constraint fk_org to users
ALTER TABLE "public"."users" ADD CONSTRAINT "fk_org" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id") NOT VALID;
