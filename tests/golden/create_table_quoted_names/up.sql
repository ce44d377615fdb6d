-- create table User Accounts
CREATE TABLE "public"."User Accounts" (
  "id" bigint NOT NULL,
  "Email" text,
  "order" integer,
  "user" text,
  CONSTRAINT "User Accounts_pkey" PRIMARY KEY ("id")
);
