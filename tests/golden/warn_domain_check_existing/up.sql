-- add constraint score_range to domain score
ALTER DOMAIN "public"."score" ADD CONSTRAINT "score_range" CHECK ("value" BETWEEN 0 AND 100);
-- add constraint score_even to domain score
ALTER DOMAIN "public"."score" ADD CONSTRAINT "score_even" CHECK ("value" % 2 = 0) NOT VALID;
