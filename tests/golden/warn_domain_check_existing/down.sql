-- drop constraint score_even of domain score
ALTER DOMAIN "public"."score" DROP CONSTRAINT "score_even";
-- drop constraint score_range of domain score
ALTER DOMAIN "public"."score" DROP CONSTRAINT "score_range";
