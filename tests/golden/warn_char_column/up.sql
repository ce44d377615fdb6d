-- create table t
CREATE TABLE "public"."t" (
  "id" bigint NOT NULL,
  "code" char(3),
  CONSTRAINT "t_pkey" PRIMARY KEY ("id")
);
