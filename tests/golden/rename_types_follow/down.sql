-- rename type duo to pair
ALTER TYPE "public"."duo" RENAME TO "pair";
-- rename domain md2 to md
ALTER DOMAIN "public"."md2" RENAME TO "md";
-- rename enum feeling to mood
ALTER TYPE "public"."feeling" RENAME TO "mood";
