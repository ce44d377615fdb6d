-- rename constraint users_org_fk of users to users_org_id_fkey
ALTER TABLE "public"."users" RENAME CONSTRAINT "users_org_fk" TO "users_org_id_fkey";
-- rename constraint orgs_name_length of orgs to name_len
ALTER TABLE "public"."orgs" RENAME CONSTRAINT "orgs_name_length" TO "name_len";
-- rename constraint orgs_unique_name of orgs to orgs_name_key
ALTER TABLE "public"."orgs" RENAME CONSTRAINT "orgs_unique_name" TO "orgs_name_key";
-- rename constraint orgs_primary of orgs to orgs_pkey
ALTER TABLE "public"."orgs" RENAME CONSTRAINT "orgs_primary" TO "orgs_pkey";
