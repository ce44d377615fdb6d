-- create table t
CREATE TABLE "public"."t" (
  "id" bigint NOT NULL,
  "at" timestamp,
  CONSTRAINT "t_pkey" PRIMARY KEY ("id")
);
