-- create table t
CREATE TABLE "public"."t" (
  "id" bigint NOT NULL,
  "email" text,
  CONSTRAINT "t_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "t_email_check" CHECK (norm("email") = "email")
);
