-- add attribute country to type address
ALTER TYPE "public"."address" ADD ATTRIBUTE "country" text;
-- drop attribute zip of type address
ALTER TYPE "public"."address" DROP ATTRIBUTE "zip";
-- rename attribute street of type address to line1
ALTER TYPE "public"."address" RENAME ATTRIBUTE "street" TO "line1";
-- rename type address to postal_address
ALTER TYPE "public"."address" RENAME TO "postal_address";
-- rename attribute y of type point3 to why
ALTER TYPE "public"."point3" RENAME ATTRIBUTE "y" TO "why";
-- add attribute c to type pair
ALTER TYPE "public"."pair" ADD ATTRIBUTE "c" integer;
-- drop attribute b of type pair
ALTER TYPE "public"."pair" DROP ATTRIBUTE "b";
