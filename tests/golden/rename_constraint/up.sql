-- rename constraint orgs_pkey of orgs to orgs_primary
ALTER TABLE "public"."orgs" RENAME CONSTRAINT "orgs_pkey" TO "orgs_primary";
-- rename constraint orgs_name_key of orgs to orgs_unique_name
ALTER TABLE "public"."orgs" RENAME CONSTRAINT "orgs_name_key" TO "orgs_unique_name";
-- rename constraint name_len of orgs to orgs_name_length
ALTER TABLE "public"."orgs" RENAME CONSTRAINT "name_len" TO "orgs_name_length";
-- rename constraint users_org_id_fkey of users to users_org_fk
ALTER TABLE "public"."users" RENAME CONSTRAINT "users_org_id_fkey" TO "users_org_fk";
