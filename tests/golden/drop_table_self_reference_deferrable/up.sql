-- drop table users
DROP TABLE "public"."users";
