-- drop column n from t
ALTER TABLE "public"."t" DROP COLUMN "n";
