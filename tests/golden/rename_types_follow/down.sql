-- comment on function f(public.feeling, public.md2, public.duo, public.feeling[])
COMMENT ON ROUTINE "public"."f"(public.feeling, public.md2, public.duo, public.feeling[]) IS NULL;
-- rename table articles to posts
ALTER TABLE "public"."articles" RENAME TO "posts";
-- rename type duo to pair
ALTER TYPE "public"."duo" RENAME TO "pair";
-- rename domain md2 to md
ALTER DOMAIN "public"."md2" RENAME TO "md";
-- rename enum feeling to mood
ALTER TYPE "public"."feeling" RENAME TO "mood";
