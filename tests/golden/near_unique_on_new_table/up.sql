-- create table t
CREATE TABLE "public"."t" (
  "a" integer
);
-- add constraint t_a_key to t
ALTER TABLE "public"."t" ADD CONSTRAINT "t_a_key" UNIQUE ("a");
