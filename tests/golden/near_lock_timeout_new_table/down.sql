-- drop index t_id_idx
DROP INDEX "public"."t_id_idx";
-- drop table t
DROP TABLE "public"."t";
