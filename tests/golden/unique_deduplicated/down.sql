-- drop table u
DROP TABLE "public"."u";
