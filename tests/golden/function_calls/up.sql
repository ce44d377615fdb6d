-- create table users
CREATE TABLE "public"."users" (
  "id" bigint NOT NULL,
  "email" text NOT NULL,
  "code" text DEFAULT next_code(),
  CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "users_email_check" CHECK (normalize_email("email") = "email")
);
-- create unique index users_normalize_email_idx on users
CREATE UNIQUE INDEX "users_normalize_email_idx" ON "public"."users" (normalize_email("email"));
