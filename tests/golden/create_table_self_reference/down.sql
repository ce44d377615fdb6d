-- drop table nodes
DROP TABLE "public"."nodes";
