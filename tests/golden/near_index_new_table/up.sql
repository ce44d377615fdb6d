-- create table t
CREATE TABLE "public"."t" (
  "a" integer
);
-- create index t_a_idx on t
CREATE INDEX "t_a_idx" ON "public"."t" ("a");
