-- rename enum feeling to mood
ALTER TYPE "public"."feeling" RENAME TO "mood";
-- drop enum mood
DROP TYPE "public"."mood";
