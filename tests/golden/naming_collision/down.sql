-- drop index t_a_idx1
DROP INDEX "public"."t_a_idx1";
