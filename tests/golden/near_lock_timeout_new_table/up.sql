-- create table t
CREATE TABLE "public"."t" (
  "id" bigint NOT NULL,
  CONSTRAINT "t_pkey" PRIMARY KEY ("id")
);
-- create index t_id_idx on t
CREATE INDEX "t_id_idx" ON "public"."t" ("id");
