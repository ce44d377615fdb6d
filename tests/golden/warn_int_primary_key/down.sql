-- drop table u
DROP TABLE "public"."u";
-- drop table t
DROP TABLE "public"."t";
