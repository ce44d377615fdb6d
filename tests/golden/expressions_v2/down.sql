-- drop index t_lower_idx
DROP INDEX "public"."t_lower_idx";
-- drop index t_expr_idx
DROP INDEX "public"."t_expr_idx";
-- drop table t
DROP TABLE "public"."t";
