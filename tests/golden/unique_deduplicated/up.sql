-- create table u
CREATE TABLE "public"."u" (
  "id" integer NOT NULL,
  "m" integer,
  "n" integer,
  CONSTRAINT "u_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "u_m_key" UNIQUE ("m"),
  CONSTRAINT "n_uq" UNIQUE ("n")
);
