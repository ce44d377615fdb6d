-- drop table docs
DROP TABLE "public"."docs";
