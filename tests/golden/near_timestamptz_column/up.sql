-- create table t
CREATE TABLE "public"."t" (
  "id" bigint NOT NULL,
  "at" timestamptz,
  CONSTRAINT "t_pkey" PRIMARY KEY ("id")
);
