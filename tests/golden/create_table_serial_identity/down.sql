-- drop table events
DROP TABLE "public"."events";
