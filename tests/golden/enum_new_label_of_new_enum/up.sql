-- create enum fresh
CREATE TYPE "public"."fresh" AS ENUM ('x');
-- add value 'y' to enum fresh
ALTER TYPE "public"."fresh" ADD VALUE 'y';
-- add column f to t
ALTER TABLE "public"."t" ADD COLUMN "f" "public"."fresh" NOT NULL DEFAULT 'y';
