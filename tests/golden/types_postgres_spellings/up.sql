-- create table t
CREATE TABLE "public"."t" (
  "id" bigint NOT NULL,
  "name" varchar(100),
  "c" char(3),
  "at" timestamptz(3),
  "at2" timestamp,
  "tm" timetz,
  "ratio" double precision,
  "flags" bit(8),
  "vb" varbit(12),
  "doc" tsvector,
  "m" money,
  "x" xml,
  "p" point,
  "r" int4range,
  "during" tstzrange NOT NULL DEFAULT tstzrange(now(), NULL),
  "ts" timestamptz DEFAULT now()::timestamp(3) with time zone,
  CONSTRAINT "t_pkey" PRIMARY KEY ("id")
);
