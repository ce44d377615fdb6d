-- change type of orgs.id to integer
ALTER TABLE "public"."orgs" ALTER COLUMN "id" TYPE integer;
