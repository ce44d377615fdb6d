-- drop constraint t_a_key from t
ALTER TABLE "public"."t" DROP CONSTRAINT "t_a_key";
-- drop table t
DROP TABLE "public"."t";
