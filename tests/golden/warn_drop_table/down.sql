-- create table users
CREATE TABLE "public"."users" (
  "id" bigint NOT NULL,
  "org_id" bigint,
  "email" varchar(200) NOT NULL,
  "age" integer DEFAULT 0,
  "nickname" text,
  CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "users_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id"),
  CONSTRAINT "users_age_check" CHECK ("age" >= 0)
);
-- create index users_email_idx on users
CREATE INDEX "users_email_idx" ON "public"."users" ("email");
