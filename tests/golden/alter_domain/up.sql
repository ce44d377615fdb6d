-- add constraint score_max to domain score
ALTER DOMAIN "public"."score" ADD CONSTRAINT "score_max" CHECK ("value" <= 100) NOT VALID;
-- validate constraint score_max of domain score
ALTER DOMAIN "public"."score" VALIDATE CONSTRAINT "score_max";
-- drop constraint score_check of domain score
ALTER DOMAIN "public"."score" DROP CONSTRAINT "score_check";
-- set default of domain score
ALTER DOMAIN "public"."score" SET DEFAULT 10;
-- set not null of domain label
ALTER DOMAIN "public"."label" SET NOT NULL;
-- add constraint label_check to domain label
ALTER DOMAIN "public"."label" ADD CONSTRAINT "label_check" CHECK (length("value") < 50);
-- rename domain label to tag
ALTER DOMAIN "public"."label" RENAME TO "tag";
