-- rename enum mood to feeling
ALTER TYPE "public"."mood" RENAME TO "feeling";
-- rename domain md to md2
ALTER DOMAIN "public"."md" RENAME TO "md2";
-- rename type pair to duo
ALTER TYPE "public"."pair" RENAME TO "duo";
-- rename table posts to articles
ALTER TABLE "public"."posts" RENAME TO "articles";
-- comment on function f(public.feeling, public.md2, public.duo, public.feeling[])
COMMENT ON ROUTINE "public"."f"(public.feeling, public.md2, public.duo, public.feeling[]) IS 'found by its new argument types';
