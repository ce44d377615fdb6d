-- drop table people
DROP TABLE "public"."people";
