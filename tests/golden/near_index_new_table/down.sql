-- drop index t_a_idx
DROP INDEX "public"."t_a_idx";
-- drop table t
DROP TABLE "public"."t";
