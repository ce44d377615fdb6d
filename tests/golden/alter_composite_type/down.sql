-- add attribute b to type pair
ALTER TYPE "public"."pair" ADD ATTRIBUTE "b" text;
-- drop attribute c of type pair
ALTER TYPE "public"."pair" DROP ATTRIBUTE "c";
-- rename attribute why of type point3 to y
ALTER TYPE "public"."point3" RENAME ATTRIBUTE "why" TO "y";
-- rename type postal_address to address
ALTER TYPE "public"."postal_address" RENAME TO "address";
-- rename attribute line1 of type address to street
ALTER TYPE "public"."address" RENAME ATTRIBUTE "line1" TO "street";
-- add attribute zip to type address
ALTER TYPE "public"."address" ADD ATTRIBUTE "zip" varchar(10);
-- drop attribute country of type address
ALTER TYPE "public"."address" DROP ATTRIBUTE "country";
