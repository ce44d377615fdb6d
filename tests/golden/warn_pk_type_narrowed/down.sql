-- change type of orgs.id to bigint
ALTER TABLE "public"."orgs" ALTER COLUMN "id" TYPE bigint;
