-- rename enum mood to feeling
ALTER TYPE "public"."mood" RENAME TO "feeling";
-- rename domain md to md2
ALTER DOMAIN "public"."md" RENAME TO "md2";
-- rename type pair to duo
ALTER TYPE "public"."pair" RENAME TO "duo";
