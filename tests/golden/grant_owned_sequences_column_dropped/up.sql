-- drop column n from docs; drop column m from docs
ALTER TABLE "public"."docs" DROP COLUMN "n", DROP COLUMN "m";
