-- drop table t
DROP TABLE "public"."t";
