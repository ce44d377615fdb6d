-- rename domain tag to label
ALTER DOMAIN "public"."tag" RENAME TO "label";
-- drop constraint label_check of domain label
ALTER DOMAIN "public"."label" DROP CONSTRAINT "label_check";
-- drop not null of domain label
ALTER DOMAIN "public"."label" DROP NOT NULL;
-- set default of domain score
ALTER DOMAIN "public"."score" SET DEFAULT 0;
-- add constraint score_check to domain score
ALTER DOMAIN "public"."score" ADD CONSTRAINT "score_check" CHECK ("value" >= 0);
-- drop constraint score_max of domain score
ALTER DOMAIN "public"."score" DROP CONSTRAINT "score_max";
